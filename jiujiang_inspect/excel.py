"""Safe Excel import and export shared by every app.

Imports: the upload's size, member count and uncompressed size are checked *before* openpyxl opens
it (a zip bomb must not exhaust memory); rows are streamed read-only. Exports: cells that a
spreadsheet would run as a formula (=, +, -, @, tab, CR) are escaped with a leading apostrophe.
"""
import zipfile
from dataclasses import dataclass, field
from io import BytesIO

from django.conf import settings
from django.http import HttpResponse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from openpyxl import Workbook, load_workbook

from .exceptions import ValidationFailed

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
MAX_MEMBERS = 200
MAX_RATIO = 200  # uncompressed / compressed, per member; real spreadsheets stay far below


class UnsafeUpload(ValidationFailed):
    code = "unsafe_upload"
    default_message = _("上传的文件过大或结构异常，已拒绝处理。")


def check_xlsx_upload(fileobj, *, max_bytes=None, max_uncompressed=None):
    """Refuse oversized files, non-xlsx files and zip bombs before parsing. Returns the file rewound."""
    max_bytes = max_bytes or settings.IMPORT_MAX_UPLOAD_BYTES
    max_uncompressed = max_uncompressed or settings.IMPORT_MAX_UNCOMPRESSED_BYTES
    size = getattr(fileobj, "size", None)
    if size is None:
        fileobj.seek(0, 2)
        size = fileobj.tell()
    fileobj.seek(0)
    if size > max_bytes:
        raise UnsafeUpload(_("文件大小 %(size)d 字节，超过上限 %(max)d 字节。") % {"size": size, "max": max_bytes},
                           detail={"file": [str(_("文件过大"))]})
    try:
        with zipfile.ZipFile(fileobj) as zf:
            infos = zf.infolist()
            if len(infos) > MAX_MEMBERS:
                raise UnsafeUpload(_("文件内部成员过多（%(n)d 个），疑似异常文件。") % {"n": len(infos)},
                                   detail={"file": [str(_("成员过多"))]})
            total = 0
            for info in infos:
                total += info.file_size
                if info.compress_size and info.file_size / info.compress_size > MAX_RATIO:
                    raise UnsafeUpload(_("文件压缩比异常，疑似压缩炸弹，已拒绝。"), detail={"file": [str(_("压缩比异常"))]})
            if total > max_uncompressed:
                raise UnsafeUpload(_("文件解压后过大，已拒绝。"), detail={"file": [str(_("解压后过大"))]})
            if "xl/workbook.xml" not in {i.filename for i in infos}:
                raise ValidationFailed(_("不是有效的 Excel（.xlsx）文件。"), detail={"file": [str(_("格式错误"))]})
    except zipfile.BadZipFile:
        raise ValidationFailed(_("不是有效的 Excel（.xlsx）文件。"), detail={"file": [str(_("格式错误"))]})
    fileobj.seek(0)
    return fileobj


def iter_rows(fileobj, *, sheet=None, header_map):
    """Stream (row_number, {key: value}) from a checked workbook. `header_map` maps Chinese header
    text to field keys; unknown columns are ignored, missing required headers are a file-level error."""
    wb = load_workbook(fileobj, read_only=True, data_only=True)
    try:
        ws = wb[sheet] if sheet else wb.worksheets[0]
        rows = ws.iter_rows(values_only=True)
        header = next(rows, None)
        if header is None:
            raise ValidationFailed(_("文件为空。"), detail={"file": [str(_("没有表头"))]})
        index = {}
        for i, title in enumerate(header):
            key = header_map.get(str(title).strip()) if title is not None else None
            if key:
                index[key] = i
        missing = [t for t, k in header_map.items() if k not in index and not t.endswith("（选填）")]
        if missing:
            raise ValidationFailed(_("缺少表头：%(cols)s") % {"cols": "、".join(missing)},
                                   detail={"file": [f"缺少列：{m}" for m in missing]})
        for n, row in enumerate(rows, start=2):
            if row is None or all(v is None or str(v).strip() == "" for v in row):
                continue
            yield n, {k: _clean(row[i]) if i < len(row) else "" for k, i in index.items()}
    finally:
        wb.close()


def _clean(value):
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return value if not isinstance(value, str) else value.strip()


def escape_cell(value):
    if isinstance(value, Promise):  # lazy translations (choice labels) are not cell values
        value = str(value)
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


@dataclass
class RowErrors:
    """Collects per-row errors; an import writes nothing unless this stays empty."""

    errors: list = field(default_factory=list)
    limit: int = 5000

    def add(self, row, field_name, message):
        if len(self.errors) < self.limit:
            self.errors.append({"row": row, "field": str(field_name), "message": str(message)})

    def __bool__(self):
        return bool(self.errors)


def workbook_response(filename, sheets):
    """`sheets`: list of (title, headers, rows). Streams an xlsx with formula-like cells escaped."""
    wb = Workbook(write_only=True)
    for title, headers, rows in sheets:
        ws = wb.create_sheet(title=title)
        ws.append(list(headers))
        for row in rows:
            ws.append([escape_cell(v) for v in row])
    buf = BytesIO()
    wb.save(buf)
    response = HttpResponse(buf.getvalue(), content_type=XLSX_CONTENT_TYPE)
    from urllib.parse import quote

    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response

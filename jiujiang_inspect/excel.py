"""Safe Excel import and export shared by every app.

Imports: the upload's size, member count and uncompressed size are checked *before* openpyxl opens
it (a zip bomb must not exhaust memory); rows are streamed read-only through `read_sheet` (the
reading rules are listed above it: stale dimensions, header search, header normalisation and
aliases, numeric identifier cells, dates). Exports: cells that a
spreadsheet would run as a formula (=, +, -, @, tab, CR) are escaped with a leading apostrophe.
"""
import difflib
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field
from io import BytesIO
from urllib.parse import quote

from django.conf import settings
from django.http import HttpResponse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from openpyxl import Workbook, load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import CALENDAR_MAC_1904

from .dates import DateParseError, parse_date, parse_datetime
from .exceptions import ValidationFailed
from .identifiers import normalize_code, normalize_identifier

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
MAX_MEMBERS = 200
WRONG_TYPE_MESSAGE = _("不是有效的 Excel 工作簿（.xlsx）：请在 Excel 或 WPS 中打开，“另存为”Excel 工作簿（*.xlsx）后重新上传。")
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
                raise ValidationFailed(WRONG_TYPE_MESSAGE, detail={"file": [str(_("格式错误"))]})
    except zipfile.BadZipFile:
        raise ValidationFailed(WRONG_TYPE_MESSAGE, detail={"file": [str(_("格式错误"))]})
    fileobj.seek(0)
    return fileobj


# --- Reading -------------------------------------------------------------------------------------------
# Every import reads through `read_sheet` (one home for these rules):
# - the sheet's stored dimension is ignored (`reset_dimensions()`): WPS writes stale ones, and openpyxl
#   would stop at the stale last row (rows silently dropped) or find no header (ref="A1");
# - the header row is the first of the first HEADER_SCAN_ROWS rows holding every required column, on the
#   first sheet that has one (title rows and cover sheets above/before it are skipped);
# - header text is compared normalised (`normalize_header`: NFKC, all whitespace and line breaks
#   removed, parenthesised hints such as （选填）, (选填), （是/否） ignored) and may be any of the
#   spec's documented aliases;
# - a column that is none of them is listed in `reader.unrecognised` (the import reports it), unless it
#   resembles a known column (contains it, is contained in it, or differs by a character or two): then
#   the file is refused, since guessing would silently drop or misplace data;
# - identifier columns refuse numeric cells (Excel has already rounded long numbers or dropped leading
#   zeros) and pass text through jiujiang_inspect.identifiers; date columns go through
#   jiujiang_inspect.dates (Excel serials honour the workbook's 1904 flag; cells styled with the zh-CN
#   built-in date formats 27–36 and 50–58, which openpyxl does not know, are read as dates).
# Refused cells are reported in the caller's RowErrors and arrive as None in the row (empty cells as "").
HEADER_SCAN_ROWS = 10
ZH_CN_DATE_FORMAT_IDS = frozenset(range(27, 37)) | frozenset(range(50, 59))
NUMERIC_IDENTIFIER_MESSAGE = _("该列为数字格式，长号码或前导零已被 Excel 改变，请将整列设为文本后重新填写")
_HINT = re.compile(r"\([^()]*\)")
IDENTIFIER, CODE, DATE, DATETIME = "identifier", "code", "date", "datetime"


def normalize_header(text) -> str:
    """Header text as compared: NFKC, no whitespace or line breaks, no parenthesised hints, no * marks."""
    if text is None:
        return ""
    value = "".join(unicodedata.normalize("NFKC", str(text)).split())
    return _HINT.sub("", value).strip("*")


@dataclass(frozen=True)
class SheetSpec:
    """What an import reads. `headers`: template header text → row key ("（选填）" marks an optional
    column; the template and the import page show these). `aliases`: other header texts → key (the
    names agencies' own files use). `kinds`: key → IDENTIFIER (compact codes: 统一社会信用代码, 身份证号,
    行业代码), CODE (codes that may hold hyphens: 单位代码, 执法证件号, 工单编号, 事项编码), DATE or DATETIME.
    `sheet`: the sheet name tried first."""

    headers: dict
    aliases: dict = field(default_factory=dict)
    kinds: dict = field(default_factory=dict)
    sheet: str | None = None

    def __post_init__(self):
        names = {}
        for title, key in [*self.headers.items(), *self.aliases.items()]:
            norm = normalize_header(title)
            if names.setdefault(norm, key) != key:
                raise ValueError(f"header {title!r} is ambiguous")
        object.__setattr__(self, "_by_name", names)

    @property
    def by_name(self) -> dict:
        return self._by_name

    @property
    def required(self) -> dict:
        """key → template header, for the columns a file must have."""
        return {k: t for t, k in self.headers.items() if not t.endswith("（选填）")}

    def label(self, key) -> str:
        title = next(t for t, k in self.headers.items() if k == key)
        return _HINT.sub("", unicodedata.normalize("NFKC", title))


def _resembles(norm: str, known: str) -> bool:
    if len(norm) < 2 or len(known) < 2:
        return False
    if norm in known or known in norm:
        return True
    return len(norm) >= 3 and difflib.SequenceMatcher(None, norm, known).ratio() >= 0.75


class SheetReader:
    """Iterate `(row_number, {key: value})` over the data rows of a checked workbook (see above).

    After the header is found: `present` (keys of the columns the file has), `unrecognised` (header texts
    ignored), `sheet_title`, `header_row`, `epoch1904`, `rows_announced` (data rows the sheet's dimension
    record announces, 0 when it has none: an estimate for a progress bar, never a count)."""

    def __init__(self, fileobj, spec: SheetSpec, errors: "RowErrors", where=None):
        self.fileobj, self.spec, self.errors, self.where = fileobj, spec, errors, where or (lambda n: n)
        self.present, self.unrecognised = set(), []
        self.sheet_title, self.header_row, self.epoch1904 = None, None, False
        self.rows_announced = 0

    def _locate(self, wb):
        names = wb.sheetnames
        order = sorted(names, key=lambda n: n != self.spec.sheet) if self.spec.sheet in names else names
        best = None  # (matched count, sheet, row number, header cells) of the closest miss
        for name in order:
            ws = wb[name]
            if not hasattr(ws, "reset_dimensions"):  # a chartsheet
                continue
            announced = ws.max_row  # the sheet's own dimension record (read when the workbook loaded)
            ws.reset_dimensions()
            for n, cells in enumerate(ws.iter_rows(max_row=HEADER_SCAN_ROWS, values_only=True), start=1):
                keys = {self.spec.by_name.get(normalize_header(c)) for c in cells} - {None}
                if set(self.spec.required) <= keys:
                    self.rows_announced = max((announced or 0) - n, 0)
                    return ws, n, cells
                if best is None or len(keys) > best[0]:
                    best = (len(keys), name, n, keys)
        found = best[3] if best else set()
        missing = [t for k, t in self.spec.required.items() if k not in found]
        where = _("未找到“%(sheet)s”表：") % {"sheet": self.spec.sheet} if self.spec.sheet else ""
        raise ValidationFailed(
            where + _("缺少表头：%(cols)s（在每个工作表的前%(n)d行中均未找到）") % {"cols": "、".join(missing),
                                                                    "n": HEADER_SCAN_ROWS},
            detail={"file": [f"缺少列：{m}" for m in missing],
                    "rows": [{"row": 0, "field": m, "message": str(_("缺少列"))} for m in missing]})

    def _columns(self, header):
        index, problems = {}, []
        known = list(self.spec.by_name)
        for i, cell in enumerate(header):
            norm = normalize_header(cell)
            if not norm:
                continue
            key = self.spec.by_name.get(norm)
            if key is None:
                like = [k for k in known if _resembles(norm, k)]
                if like:
                    problems.append((str(cell), _("无法识别列“%(col)s”，它与“%(like)s”相近；请改用模板中的列名。") % {
                        "col": str(cell).strip(), "like": self.spec.label(self.spec.by_name[like[0]])}))
                else:
                    self.unrecognised.append(str(cell).strip())
            elif key in index:
                problems.append((str(cell), _("列“%(col)s”重复。") % {"col": str(cell).strip()}))
            else:
                index[key] = i
        if problems:
            raise ValidationFailed(
                _("表头有误：%(msg)s") % {"msg": "；".join(str(m) for _c, m in problems)},
                detail={"file": [str(m) for _c, m in problems],
                        "rows": [{"row": self.header_row, "field": c, "message": str(m)} for c, m in problems]})
        return index

    def __iter__(self):
        self.fileobj.seek(0)
        wb = load_workbook(self.fileobj, read_only=True, data_only=True)
        try:
            for idx, style in enumerate(getattr(wb, "_cell_styles", ())):
                if style.numFmtId in ZH_CN_DATE_FORMAT_IDS:
                    wb._date_formats.add(idx)
            self.epoch1904 = wb.epoch == CALENDAR_MAC_1904
            ws, self.header_row, header = self._locate(wb)
            self.sheet_title = ws.title
            index = self._columns(header)
            self.present = set(index)
            yield from self._rows(ws, index)
        finally:
            wb.close()

    def _rows(self, ws, index):
        kinds = self.spec.kinds
        plain = [(k, i) for k, i in index.items() if k not in kinds]
        special = [(k, i, kinds[k], self.spec.label(k)) for k, i in index.items() if k in kinds]
        for n, row in enumerate(ws.iter_rows(min_row=self.header_row + 1, values_only=True),
                                start=self.header_row + 1):
            if not row or all(v is None or (isinstance(v, str) and not v.strip()) for v in row):
                continue
            width = len(row)
            out = {k: _clean(row[i]) if i < width else "" for k, i in plain}
            for key, i, kind, label in special:
                out[key] = self._special(n, row[i] if i < width else None, kind, label)
            yield n, out

    def _special(self, n, value, kind, label):
        if value is None or (isinstance(value, str) and not value.strip()):
            return ""
        if kind in (IDENTIFIER, CODE):
            if isinstance(value, int | float) and not isinstance(value, bool):
                self.errors.add(self.where(n), label, NUMERIC_IDENTIFIER_MESSAGE)
                return None
            return normalize_identifier(value) if kind == IDENTIFIER else normalize_code(value)
        try:
            return (parse_date if kind == DATE else parse_datetime)(value, epoch1904=self.epoch1904)
        except DateParseError as exc:
            self.errors.add(self.where(n), label, str(exc))
            return None


def read_sheet(fileobj, spec: SheetSpec, errors: "RowErrors", *, where=None) -> SheetReader:
    """The reader for one import (see above): `for n, row in reader`, then `reader.present` etc.
    `where(n)` labels a row in `errors` (default: the row number)."""
    return SheetReader(fileobj, spec, errors, where)


def provided(row: dict, keys) -> dict:
    """Update semantics, one rule for every import: a stored record changes only in the columns the
    file has, and only where the cell is not empty. An absent column never overwrites; an empty cell
    (or one the reader refused) keeps the stored value, and a new record takes the field's default.
    (Clearing a value is done in the record's edit form, never by an import.) Returns {key: value}."""
    return {k: row[k] for k in keys if k in row and row[k] is not None and row[k] != ""}


def import_result(reader: SheetReader, counts: dict, message) -> dict:
    """An import's result: its counts, and the columns it ignored named in the message."""
    result = {**counts, "sheet": reader.sheet_title, "ignored_columns": list(reader.unrecognised)}
    ignored = "、".join(reader.unrecognised)
    result["message"] = str(message) + (str(_("已忽略未识别的列：%(cols)s。")) % {"cols": ignored} if ignored else "")
    return result


def iter_rows(fileobj, *, header_map, sheet=None, errors=None):
    """`(row_number, row)` of a plain sheet (no identifier or date columns): `read_sheet` with a spec."""
    return iter(SheetReader(fileobj, SheetSpec(headers=header_map, sheet=sheet), errors or RowErrors()))


def template_response(filename, specs_and_examples):
    """The empty import template: per sheet its headers (as `SheetSpec.headers`) and one example row.
    Identifier columns are formatted as text so Excel keeps long numbers and leading zeros."""
    wb = Workbook()
    wb.remove(wb.active)
    for title, spec, example in specs_and_examples:
        ws = wb.create_sheet(title=title)
        ws.append(list(spec.headers))
        ws.append([escape_cell(v) for v in example])
        for col, key in enumerate(spec.headers.values(), start=1):
            ws.column_dimensions[get_column_letter(col)].width = 18
            if spec.kinds.get(key) in (IDENTIFIER, CODE):
                for r in range(2, 1001):
                    ws.cell(row=r, column=col).number_format = "@"
    buf = BytesIO()
    wb.save(buf)
    response = HttpResponse(buf.getvalue(), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


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
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response

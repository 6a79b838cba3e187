"""Excel import and export of a 检查事项 catalogue, in the layout agencies already keep: one row per
matter on sheet 事项; 法定依据, 检查标准 and 常见问题 on their own sheets keyed by 事项编码.

Import is all-or-nothing with per-row errors, idempotent by 事项编码 (re-importing the same file
changes nothing and audits nothing), size- and zip-bomb-checked before parsing, and bulk-written
(`services.catalogue.catalogue_import_apply`), so 1,000 matters take seconds. Export escapes cells
a spreadsheet would run as formulas (`workbook_response`)."""
from django.utils.translation import gettext as _

from jiujiang_inspect import roles
from jiujiang_inspect.excel import (
    CODE,
    DATE,
    NUMERIC_IDENTIFIER_MESSAGE,
    RowErrors,
    SheetSpec,
    check_xlsx_upload,
    import_result,
    read_sheet,
)
from jiujiang_inspect.exceptions import ApplicationError, ValidationFailed
from jiujiang_inspect.identifiers import CodeIndex
from jiujiang_inspect.jobs import job_progress
from subjects.models import Agency

from .citations import CitationError, parse_citations
from .models import Industry, LegalBasis
from .selectors import matter_with_details
from .services.catalogue import catalogue_import_apply
from .services.matters import MATTER_CODE_RE

SHEET_MATTERS, SHEET_BASES, SHEET_STANDARDS, SHEET_PROBLEMS = "事项", "法定依据", "检查标准", "常见问题"
MATTER_HEADERS = {"事项编码": "code", "事项名称": "name", "实施主体代码": "agency",
                  "检查对象范围（选填）": "object_scope", "检查方式（选填）": "method",
                  "可非现场检查（是/否）（选填）": "offsite", "适用行业代码（选填）": "industries"}
BASIS_HEADERS = {"事项编码": "code", "法律法规名称": "title", "效力层级": "level", "条款（选填）": "article",
                 "施行日期（选填）": "effective_date"}
STANDARD_HEADERS = {"事项编码": "code", "检查内容": "first", "合格标准（选填）": "second"}
PROBLEM_HEADERS = {"事项编码": "code", "常见问题": "first", "整改指引（选填）": "second"}
SHEETS = [(SHEET_MATTERS, MATTER_HEADERS), (SHEET_BASES, BASIS_HEADERS), (SHEET_STANDARDS, STANDARD_HEADERS),
          (SHEET_PROBLEMS, PROBLEM_HEADERS)]
# Each sheet is found by its header (its name is only tried first); other header texts in use.
SPECS = {
    SHEET_MATTERS: SheetSpec(headers=MATTER_HEADERS, sheet=SHEET_MATTERS, kinds={"code": CODE, "agency": CODE},
                             aliases={"事项代码": "code", "检查事项名称": "name", "实施主体编码": "agency",
                                      "检查对象": "object_scope", "行业代码": "industries"}),
    SHEET_BASES: SheetSpec(headers=BASIS_HEADERS, sheet=SHEET_BASES, kinds={"code": CODE, "effective_date": DATE},
                           aliases={"事项代码": "code", "法律依据": "title", "法定依据": "title", "依据名称": "title",
                                    "法律法规": "title", "条款号": "article", "条款": "article", "施行时间": "effective_date",
                                    "实施日期": "effective_date"}),
    SHEET_STANDARDS: SheetSpec(headers=STANDARD_HEADERS, sheet=SHEET_STANDARDS, kinds={"code": CODE},
                               aliases={"事项代码": "code", "检查标准": "first"}),
    SHEET_PROBLEMS: SheetSpec(headers=PROBLEM_HEADERS, sheet=SHEET_PROBLEMS, kinds={"code": CODE},
                              aliases={"事项代码": "code", "问题": "first"}),
}
SHEET_HELP = [(name, list(headers)) for name, headers in SHEETS]
LEVELS = {str(label): value for value, label in LegalBasis.Level.choices} | {v: v for v in LegalBasis.Level.values}
YES = {"是", "Y", "y", "1", "TRUE", "True", "true", "可以"}
LIMITS = {"name": 200, "object_scope": 2000, "method": 200, "title": 200, "article": 200, "first": 500,
          "second": 2000}


def _text(row, key):
    return str(row.get(key, "") or "").strip()


def _too_long(errors, n, label, key, value):
    if len(value) > LIMITS[key]:
        errors.add(n, label, _("不能超过%(n)d个字符。") % {"n": LIMITS[key]})
        return True
    return False


def _rows(fileobj, sheet, errors):
    return read_sheet(fileobj, SPECS[sheet], errors, where=lambda n: f"{sheet}第{n}行")


def catalogue_import(*, job=None, fileobj, by=None) -> dict:
    """Import a catalogue workbook (see module doc). Raises ValidationFailed with `detail["rows"]`
    ([{row, field, message}], row numbers prefixed by sheet) and writes nothing when any row fails."""
    by = by or job.created_by
    check_xlsx_upload(fileobj)
    agencies = CodeIndex(Agency.objects.all())
    industry_codes = set(Industry.objects.values_list("code", flat=True))
    errors = RowErrors()
    items, by_code = [], {}

    matters_reader = _rows(fileobj, SHEET_MATTERS, errors)
    for n, row in matters_reader:
        where = f"{SHEET_MATTERS}第{n}行"
        code, name = _text(row, "code"), _text(row, "name")
        if not code or len(code) > 40 or not MATTER_CODE_RE.match(code):
            errors.add(where, "事项编码", _("事项编码必填，不超过40个字符，只能包含字母、数字、点、下划线和连字符。"))
        elif code in by_code:
            errors.add(where, "事项编码", _("与%(r)s重复。") % {"r": by_code[code]["where"]})
        if not name:
            errors.add(where, "事项名称", _("事项名称不能为空。"))
        _too_long(errors, where, "事项名称", "name", name)
        agency = agencies.get(_text(row, "agency"))
        if agency is None:
            errors.add(where, "实施主体代码", _("实施主体代码不存在。"))
        elif not (roles.is_reviewer(by) or (roles.is_agency_admin(by) and by.agency_id == agency.pk)):
            errors.add(where, "实施主体代码", _("只能导入本单位的检查事项。"))
        scope, method = _text(row, "object_scope"), _text(row, "method")
        _too_long(errors, where, "检查对象范围", "object_scope", scope)
        _too_long(errors, where, "检查方式", "method", method)
        if isinstance(row.get("industries"), int | float):
            errors.add(where, "适用行业代码", NUMERIC_IDENTIFIER_MESSAGE)
        inds = [c.strip() for c in _text(row, "industries").replace("，", ",").replace("、", ",").split(",") if c.strip()]
        unknown = [c for c in inds if c not in industry_codes]
        if unknown:
            errors.add(where, "适用行业代码", _("行业代码不存在：%(c)s") % {"c": "、".join(unknown)})
        item = {"row": where, "where": where, "code": code, "agency": agency, "name": name, "object_scope": scope,
                "method": method, "offsite_capable": _text(row, "offsite") in YES, "industries": inds, "bases": [],
                "check_standards": [], "common_problems": []}
        items.append(item)
        if code and code not in by_code:
            by_code[code] = item
        if job is not None and len(items) % 200 == 0:
            job_progress(job, done=len(items), total=len(items) * 2)

    for n, row in _rows(fileobj, SHEET_BASES, errors):
        where = f"{SHEET_BASES}第{n}行"
        item = _owner(errors, where, by_code, row)
        try:
            citations = parse_citations(_text(row, "title"), _text(row, "article"))
        except CitationError as exc:
            errors.add(where, "法律法规名称", str(exc))
            citations = None
        level = LEVELS.get(_text(row, "level"))
        effective = row.get("effective_date")  # None: refused by the reader (error already recorded)
        if citations == []:
            errors.add(where, "法律法规名称", _("法律法规名称不能为空。"))
        bad = any(_too_long(errors, where, "法律法规名称", "title", t) | _too_long(errors, where, "条款", "article", a)
                  for t, a in citations or [])
        if level is None:
            errors.add(where, "效力层级", _("效力层级应为：%(l)s") % {"l": "、".join(str(label) for label in LegalBasis.Level.labels)})
        if item is not None and citations and level and not bad and effective is not None:
            item["bases"].extend({"title": t, "article": a, "level": level, "effective_date": effective or None}
                                 for t, a in citations)

    for sheet, key, labels in ((SHEET_STANDARDS, "check_standards", ("检查内容", "合格标准")),
                               (SHEET_PROBLEMS, "common_problems", ("常见问题", "整改指引"))):
        for n, row in _rows(fileobj, sheet, errors):
            where = f"{sheet}第{n}行"
            item = _owner(errors, where, by_code, row)
            first, second = _text(row, "first"), _text(row, "second")
            if not first:
                errors.add(where, labels[0], _("%(l)s不能为空。") % {"l": labels[0]})
            bad = _too_long(errors, where, labels[0], "first", first) | _too_long(errors, where, labels[1], "second",
                                                                                   second)
            if item is not None and first and not bad:
                item[key].append([first, second])

    for item in items:
        if item["code"] and not item["bases"]:
            errors.add(item["where"], "法定依据", _("事项 %(c)s 在“法定依据”表中没有任何依据。") % {"c": item["code"]})
    if not items and not errors:
        raise ValidationFailed(_("“事项”表中没有数据行。"), detail={"rows": []})
    if errors:
        raise ValidationFailed(_("共 %(n)d 处错误，未导入任何数据。") % {"n": len(errors.errors)},
                               detail={"rows": errors.errors})

    def progress(done, total):
        if job is not None:
            job_progress(job, done=len(items) + done * len(items) // max(total, 1), total=len(items) * 2)

    try:
        summary = catalogue_import_apply(by=by, items=items, progress=progress)
    except ValidationFailed:
        raise
    except ApplicationError as exc:
        raise ValidationFailed(exc.message, detail={"rows": [{"row": "", "field": "", "message": exc.message}]})
    return import_result(matters_reader, summary, _("导入完成：新增 %(c)d 项，更新 %(u)d 项，未变 %(s)d 项。") % {
        "c": summary["created"], "u": summary["updated"], "s": summary["unchanged"]})


def _owner(errors, where, by_code, row):
    code = _text(row, "code")
    item = by_code.get(code)
    if item is None:
        errors.add(where, "事项编码", _("事项编码 %(c)s 不在“事项”表中。") % {"c": code or "（空）"})
    return item


# --- export ------------------------------------------------------------------------------------------------

def catalogue_sheets(qs):
    """The four sheets of a catalogue for `workbook_response`, in the import layout (round-trips)."""
    matters = list(matter_with_details(qs.order_by("agency__code", "code")))
    return [
        (SHEET_MATTERS, [*MATTER_HEADERS, "实施主体", "状态", "版本"],
         [[m.code, m.name, m.agency.code, m.object_scope, m.method, "是" if m.offsite_capable else "否",
           ",".join(i.code for i in m.industries.all()), m.agency.name, m.get_status_display(), m.version]
          for m in matters]),
        (SHEET_BASES, [*BASIS_HEADERS, "依据状态"],
         [[m.code, b.title, b.get_level_display(), b.article, b.effective_date, b.get_status_display()]
          for m in matters for b in m.legal_bases.all()]),
        (SHEET_STANDARDS, list(STANDARD_HEADERS),
         [[m.code, s.item, s.criterion] for m in matters for s in m.check_standards.all()]),
        (SHEET_PROBLEMS, list(PROBLEM_HEADERS),
         [[m.code, p.problem, p.guidance] for m in matters for p in m.common_problems.all()]),
    ]


def template_sheets():
    """An empty workbook with the headers and one example row per sheet."""
    return [
        (SHEET_MATTERS, list(MATTER_HEADERS), [["SCJG-JC-001", "食品经营许可情况检查", "SCJG", "辖区内食品经营者",
                                               "现场检查", "否", "6210,6220"]]),
        (SHEET_BASES, list(BASIS_HEADERS), [["SCJG-JC-001", "中华人民共和国食品安全法", "法律", "第一百一十条",
                                             "2015-10-01"]]),
        (SHEET_STANDARDS, list(STANDARD_HEADERS), [["SCJG-JC-001", "是否取得食品经营许可证", "许可证在有效期内并公示"]]),
        (SHEET_PROBLEMS, list(PROBLEM_HEADERS), [["SCJG-JC-001", "许可证过期仍经营", "到期前30个工作日申请延续"]]),
    ]

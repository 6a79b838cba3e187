"""Excel imports of the question bank and of training attendance (all-or-nothing, per-row errors),
run as background jobs through jiujiang_inspect.jobs."""
from django.db import transaction
from django.utils.translation import gettext as _

from jiujiang_inspect import roles
from jiujiang_inspect.audit import audit_record
from jiujiang_inspect.excel import CODE, RowErrors, SheetSpec, check_xlsx_upload, import_result, read_sheet
from jiujiang_inspect.exceptions import ApplicationError, ValidationFailed
from jiujiang_inspect.jobs import job_progress
from subjects.models import Inspector

from .models import Question, TrainingAttendance, TrainingSession
from .services.common import require_organiser
from .services.quizzes import question_errors, question_save
from .services.training import attendance_validate, training_attendance_record

QUESTION_HEADERS = {
    "题目编号": "code", "题型": "kind", "题干": "stem", "选项A": "a", "选项B": "b", "选项C（选填）": "c",
    "选项D（选填）": "d", "选项E（选填）": "e", "选项F（选填）": "f", "正确答案": "answer",
    "法律依据或改革举措": "basis", "解析": "explanation", "标签（选填）": "tags",
}
KIND_WORDS = {"单选": "single", "单选题": "single", "single": "single", "多选": "multiple", "多选题": "multiple",
              "multiple": "multiple", "判断": "true_false", "判断题": "true_false", "true_false": "true_false"}
LETTERS = "ABCDEF"
TRUE_WORDS, FALSE_WORDS = {"正确", "对", "是", "√", "T", "TRUE"}, {"错误", "错", "否", "×", "F", "FALSE"}
ATTENDANCE_HEADERS = {"执法证件号": "certificate_number", "姓名（选填）": "name"}
# Header texts in use elsewhere (after jiujiang_inspect.excel.normalize_header).
QUESTION_SPEC = SheetSpec(headers=QUESTION_HEADERS, aliases={
    "编号": "code", "试题编号": "code", "题目类型": "kind", "试题类型": "kind", "题目": "stem", "试题": "stem",
    "答案": "answer", "标准答案": "answer", "依据": "basis", "法律依据": "basis", "答案解析": "explanation",
    "标签": "tags"})
ATTENDANCE_SPEC = SheetSpec(headers=ATTENDANCE_HEADERS, kinds={"certificate_number": CODE}, aliases={
    "执法证号": "certificate_number", "执法证件号码": "certificate_number", "执法证编号": "certificate_number"})
QUESTION_EXAMPLE = ["Q-001", "单选", "涉企行政检查应当持有什么？", "检查码", "介绍信", "", "", "", "", "A",
                    "鸠江区涉企行政检查“综合查一次”改革举措", "无码不检查。", "检查码"]
ATTENDANCE_EXAMPLE = ["340207-2025-0001", "张三"]


def _parse_answer(kind, raw):
    text = str(raw or "").strip().upper().replace("，", ",").replace(" ", "")
    if kind == "true_false":
        if text in TRUE_WORDS:
            return [0]
        if text in FALSE_WORDS:
            return [1]
        return None
    letters = [c for c in text if c != ","]
    if not letters or any(c not in LETTERS for c in letters):
        return None
    return sorted({LETTERS.index(c) for c in letters})


def parse_question_row(row) -> tuple[dict, dict]:
    """One spreadsheet row → (question data, field errors keyed by Chinese column name)."""
    kind = KIND_WORDS.get(str(row.get("kind", "")).strip())
    options = [str(row.get(k, "")).strip() for k in "abcdef"]
    while options and not options[-1]:
        options.pop()
    answer = _parse_answer(kind, row.get("answer")) if kind else None
    data = {"code": str(row.get("code", "")).strip(), "kind": kind or "", "stem": str(row.get("stem", "")).strip(),
            "options": options, "answer": answer or [], "basis": str(row.get("basis", "")).strip(),
            "explanation": str(row.get("explanation", "")).strip(),
            "tags": [t for t in str(row.get("tags", "")).replace("，", ",").replace("、", ",").split(",") if t.strip()]}
    errors = {}
    if not kind:
        errors["题型"] = _("题型应为“单选”“多选”或“判断”。")
    elif answer is None:
        errors["正确答案"] = _("判断题填“正确”或“错误”，选择题填选项字母，如 A 或 ABD。")
    columns = {"code": "题目编号", "stem": "题干", "options": "选项", "answer": "正确答案", "basis": "法律依据或改革举措",
               "explanation": "解析", "kind": "题型"}
    for field, message in question_errors(**{k: data[k] for k in ("code", "kind", "stem", "options", "answer",
                                                                     "basis", "explanation")}).items():
        errors.setdefault(columns[field], message)
    return data, errors


def questions_import(*, job=None, fileobj, by=None):
    """Import a question bank. Every row is checked first; one bad row and nothing is written.
    Re-importing updates questions in place by 题目编号 (idempotent)."""
    by = by or job.created_by
    roles.require(by, roles.REVIEWER)
    check_xlsx_upload(fileobj)
    errors, rows, seen = RowErrors(), [], {}
    reader = read_sheet(fileobj, QUESTION_SPEC, errors)
    for n, row in reader:
        data, row_errors = parse_question_row(row)
        for column, message in row_errors.items():
            errors.add(n, column, message)
        if data["code"] in seen:
            errors.add(n, "题目编号", _("与第%(row)d行重复。") % {"row": seen[data["code"]]})
        seen.setdefault(data["code"], n)
        rows.append((n, data))
    if not rows and not errors:
        raise ValidationFailed(_("文件中没有数据行。"), detail={"rows": []})
    if errors:
        raise ValidationFailed(_("共 %(n)d 处错误，未导入任何数据。") % {"n": len(errors.errors)},
                               detail={"rows": errors.errors})
    created = updated = 0
    with transaction.atomic():
        existing = {q.code: q for q in Question.objects.filter(code__in=seen)}
        for i, (n, data) in enumerate(rows, start=1):
            current = existing.get(data["code"])
            try:
                question_save(by=by, question=current, audit=False, **data)
            except ApplicationError as exc:
                raise ValidationFailed(_("第%(row)d行：%(msg)s，未导入任何数据。") % {"row": n, "msg": exc.message},
                                       detail={"rows": [{"row": n, "field": "", "message": exc.message}]})
            created, updated = (created + 1, updated) if current is None else (created, updated + 1)
            if job is not None:
                job_progress(job, done=i, total=len(rows))
        audit_record(actor=by, action="question.imported",
                     changes={"created": created, "updated": updated, "rows": len(rows)})
    return import_result(reader, {"created": created, "updated": updated, "rows": len(rows)},
                         _("导入完成：新增 %(c)d 题，更新 %(u)d 题。") % {"c": created, "u": updated})


def attendance_import(*, job=None, fileobj, by=None, session=None):
    """Import a sign-in sheet for one session (job param `session_id`): inspectors identified by
    their 执法证件号, the name checked when given. All-or-nothing, like every import."""
    by = by or job.created_by
    session = session or TrainingSession.objects.get(pk=job.params["session_id"])
    require_organiser(by, session.organiser)
    check_xlsx_upload(fileobj)
    errors, found, seen = RowErrors(), [], {}
    reader = read_sheet(fileobj, ATTENDANCE_SPEC, errors)
    rows = list(reader)
    numbers = [r.get("certificate_number") or "" for _n, r in rows]
    by_number = {i.certificate.number: i for i in Inspector.objects.filter(certificate__number__in=numbers)
                 .select_related("certificate", "agency")}
    for n, row in rows:
        number = row.get("certificate_number")
        inspector = by_number.get(number)
        if number is None:
            pass  # a numeric cell, refused by the reader
        elif not number:
            errors.add(n, "执法证件号", _("执法证件号不能为空。"))
        elif inspector is None:
            errors.add(n, "执法证件号", _("未找到持此证件号的执法人员。"))
        elif row.get("name") and str(row["name"]).strip() != inspector.name:
            errors.add(n, "姓名", _("姓名与证件号登记的“%(name)s”不一致。") % {"name": inspector.name})
        elif number in seen:
            errors.add(n, "执法证件号", _("与第%(row)d行重复。") % {"row": seen[number]})
        else:
            seen[number] = n
            found.append((n, inspector))
    if not rows:
        raise ValidationFailed(_("文件中没有数据行。"), detail={"rows": []})
    problems = attendance_validate(session=session, inspectors=[i for _n, i in found])
    for n, inspector in found:
        if inspector.pk in problems:
            errors.add(n, "执法证件号", problems[inspector.pk])
    if errors:
        raise ValidationFailed(_("共 %(n)d 处错误，未导入任何数据。") % {"n": len(errors.errors)},
                               detail={"rows": errors.errors})
    added = training_attendance_record(session=session, by=by, inspectors=[i for _n, i in found],
                                       method=TrainingAttendance.Method.IMPORT)
    if job is not None:
        job_progress(job, done=len(found), total=len(found))
    return import_result(reader, {"added": added, "rows": len(found)},
                         _("导入完成：新增签到 %(a)d 人（共 %(n)d 行）。") % {"a": added, "n": len(found)})

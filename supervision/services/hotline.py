"""12345 工单 (举措 17): received from 智慧督 (idempotent on external_id) or an Excel upload, then
triaged by a reviewer into a 监督案件 or closed with a reason."""

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from jiujiang_inspect import roles
from jiujiang_inspect.audit import audit_record
from jiujiang_inspect.excel import (
    CODE,
    DATETIME,
    IDENTIFIER,
    RowErrors,
    SheetSpec,
    check_xlsx_upload,
    import_result,
    read_sheet,
)
from jiujiang_inspect.exceptions import InvalidState, ValidationFailed
from jiujiang_inspect.identifiers import CodeIndex, normalize_code
from jiujiang_inspect.jobs import job_progress
from subjects.models import Agency
from subjects.validators import uscc_normalise, uscc_shape_ok

from ..events import hotline_closed_publish
from ..models import HotlineTicket, SupervisionCase
from .cases import case_create


def hotline_ticket_receive(*, by, external_id: str, title: str, content: str, received_at,
                           enterprise_uscc: str = "", agency=None) -> tuple[HotlineTicket, bool]:
    """Store a ticket once per external_id. Returns (ticket, created); a repeat returns the stored
    ticket unchanged, so the platform may safely resend. Identifiers pass the shared normaliser."""
    external_id, enterprise_uscc = normalize_code(external_id), uscc_normalise(enterprise_uscc)
    existing = HotlineTicket.objects.filter(external_id=external_id).first()
    if existing:
        return existing, False
    try:
        with transaction.atomic():
            ticket = HotlineTicket.objects.create(external_id=external_id, title=title, content=content,
                                                  received_at=received_at, enterprise_uscc=enterprise_uscc or "",
                                                  agency=agency)
            audit_record(actor=by, action="hotline.received", target=ticket,
                         changes={"external_id": external_id, "agency": getattr(agency, "code", None)})
    except IntegrityError:  # sent twice at the same moment
        return HotlineTicket.objects.get(external_id=external_id), False
    return ticket, True


def _triage(ticket, by):
    roles.require(by, roles.REVIEWER, message=_("仅区司法局审核员可以分拣工单。"))
    ticket = HotlineTicket.objects.select_for_update().get(pk=ticket.pk)
    if ticket.status != HotlineTicket.Status.NEW:
        raise InvalidState(_("该工单已分拣。"))
    return ticket


@transaction.atomic
def hotline_ticket_open_case(*, ticket: HotlineTicket, by, agency=None, title: str = "", problem: str = "",
                             deadline=None) -> SupervisionCase:
    ticket = _triage(ticket, by)
    agency = agency or ticket.agency
    if agency is None:
        raise ValidationFailed(detail={"agency": [_("请选择被监督单位。")]})
    case = case_create(by=by, source=SupervisionCase.Source.HOTLINE, agency=agency, title=title or ticket.title,
                       problem=problem or ticket.content, deadline=deadline, hotline_ticket=ticket)
    ticket.status = HotlineTicket.Status.CASE_OPENED
    ticket.save(update_fields=["status", "updated_at"])
    audit_record(actor=by, action="hotline.case_opened", target=ticket, changes={"case": case.pk})
    return case


@transaction.atomic
def hotline_ticket_close(*, ticket: HotlineTicket, by, reason: str) -> HotlineTicket:
    if not (reason or "").strip():
        raise ValidationFailed(detail={"reason": [_("请填写办结说明。")]})
    ticket = _triage(ticket, by)
    ticket.status, ticket.close_reason = HotlineTicket.Status.CLOSED, reason.strip()
    ticket.save(update_fields=["status", "close_reason", "updated_at"])
    audit_record(actor=by, action="hotline.closed", target=ticket, reason=reason)
    hotline_closed_publish(ticket)
    return ticket


HEADERS = {"工单编号": "external_id", "标题": "title", "内容": "content", "受理时间": "received_at",
           "涉及企业统一社会信用代码（选填）": "enterprise_uscc", "涉及单位代码（选填）": "agency"}
# Header texts of 12345 exports (after jiujiang_inspect.excel.normalize_header).
ALIASES = {"工单号": "external_id", "工单编码": "external_id", "诉求标题": "title", "工单标题": "title",
           "诉求内容": "content", "工单内容": "content", "受理日期": "received_at", "登记时间": "received_at",
           "来电时间": "received_at", "统一社会信用代码": "enterprise_uscc", "企业统一社会信用代码": "enterprise_uscc",
           "单位代码": "agency", "承办单位代码": "agency"}
SPEC = SheetSpec(headers=HEADERS, aliases=ALIASES, kinds={
    "external_id": CODE, "received_at": DATETIME, "enterprise_uscc": IDENTIFIER, "agency": CODE})
TEMPLATE_EXAMPLE = ["12345-20250301-0001", "反映某餐馆卫生问题", "市民反映……", "2025-03-01 09:30", "", "SCJG"]


def hotline_tickets_import(*, job=None, fileobj, by=None) -> dict:
    """Excel upload of 12345 tickets: all rows validated first, nothing written if any row fails;
    re-uploading the same file adds nothing (idempotent on 工单编号)."""
    by = by or job.created_by
    check_xlsx_upload(fileobj)
    agencies = CodeIndex(Agency.objects.all())
    errors, rows, seen = RowErrors(), [], {}
    reader = read_sheet(fileobj, SPEC, errors)
    for n, row in reader:
        ext = row.get("external_id")
        if ext is None:
            pass  # a numeric cell, refused by the reader
        elif not ext or len(ext) > 64:
            errors.add(n, "工单编号", _("工单编号必填，且不超过64个字符。"))
        elif ext in seen:
            errors.add(n, "工单编号", _("与第%(row)d行重复。") % {"row": seen[ext]})
        seen.setdefault(ext, n)
        title = str(row.get("title", "")).strip()
        if not title or len(title) > 200:
            errors.add(n, "标题", _("标题必填，且不超过200个字符。"))
        if not str(row.get("content", "")).strip():
            errors.add(n, "内容", _("内容必填。"))
        received = row.get("received_at")
        if received == "":
            errors.add(n, "受理时间", _("受理时间必填，如 2025-03-01 09:30。"))
        code = row.get("agency") or ""
        if code and code not in agencies:
            errors.add(n, "涉及单位代码", _("单位代码不存在。"))
        uscc = row.get("enterprise_uscc") or ""
        if uscc and not uscc_shape_ok(uscc):
            errors.add(n, "涉及企业统一社会信用代码", _("格式不正确（应为18位数字和大写字母）。"))
        rows.append(dict(external_id=ext, title=title, content=str(row.get("content", "")), received_at=received,
                         enterprise_uscc=uscc, agency=agencies.get(code)))
    if errors:
        raise ValidationFailed(_("文件中有错误，未导入任何工单。"), detail={"rows": errors.errors})
    created = 0
    with transaction.atomic():
        for i, r in enumerate(rows, start=1):
            created += hotline_ticket_receive(by=by, **r)[1]
            if job is not None:
                job_progress(job, done=i, total=len(rows))
    return import_result(reader, {"created": created, "unchanged": len(rows) - created},
                         f"导入完成：新增{created}张工单，{len(rows) - created}张已存在未重复导入。")

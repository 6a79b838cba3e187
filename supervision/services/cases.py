"""监督案件 and their measures (举措 17, 18): 责令改正 → 公开约谈 → 督办通报 → 移送纪检监察, each with a
date, deadline, document and outcome. Every change is audited."""
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from jiujiang_inspect import roles
from jiujiang_inspect.audit import audit_record, model_changes, snapshot
from jiujiang_inspect.exceptions import InvalidState, PermissionDeniedError, ValidationFailed
from jiujiang_inspect.uploads import stored_file_save, upload_check

from ..events import case_event_publish, hotline_closed_publish
from ..exceptions import MeasureOutOfOrder
from ..models import CaseMeasure, CorrectionReport, CorrectionReportFile, HotlineTicket, SupervisionCase

MEASURE_ORDER = [CaseMeasure.Kind.CORRECTION, CaseMeasure.Kind.INTERVIEW, CaseMeasure.Kind.PUBLIC_NOTICE,
                 CaseMeasure.Kind.REFERRAL]
EDITABLE = ["title", "problem", "agency", "deadline", "outcome"]
REPORT_MAX_FILES = 10
REPORT_MAX_CHARS = 5000


def _may_write(by):
    if not (roles.is_reviewer(by) or roles.is_platform(by)):
        raise PermissionDeniedError(_("仅区司法局或智慧督平台可以办理监督案件。"))


@transaction.atomic
def case_create(*, by, source: str, agency, title: str, problem: str, deadline=None, inspections=(),
                hotline_ticket=None, external_id: str | None = None, typical_cases=()) -> SupervisionCase:
    """Open a case. With `external_id` (智慧督) a repeat returns the first case instead of a duplicate."""
    _may_write(by)
    if not (title or "").strip() or not (problem or "").strip():
        raise ValidationFailed(detail={k: [_("必填。")] for k, v in (("title", title), ("problem", problem))
                                       if not (v or "").strip()})
    if external_id:
        existing = SupervisionCase.objects.filter(external_id=external_id).first()
        if existing:
            return existing
    try:
        with transaction.atomic():
            case = SupervisionCase.objects.create(
                source=source, agency=agency, title=title.strip(), problem=problem.strip(), deadline=deadline,
                hotline_ticket=hotline_ticket, external_id=external_id or None,
                created_by=by if getattr(by, "pk", None) else None)
    except IntegrityError:  # the same external_id arrived twice at once
        return SupervisionCase.objects.get(external_id=external_id)
    if inspections:
        case.inspections.set(inspections)
    if typical_cases:
        case.typical_cases.set(typical_cases)
    audit_record(actor=by, action="case.created", target=case, changes={
        "source": source, "agency": agency.code, "deadline": deadline, "external_id": external_id,
        "inspections": [i.pk for i in inspections], "typical_cases": sorted(t.pk for t in typical_cases)})
    case_event_publish("case.opened", case)
    return case


@transaction.atomic
def case_typical_cases_set(*, case: SupervisionCase, by, typical_cases, reason: str = "") -> SupervisionCase:
    """Link the case to the 案例指导 typical cases that concern it (issue 7). Allowed on closed cases
    too: a case is usually chosen as typical after it has been handled, and the link changes nothing
    of its handling. Audited with the ids before and after; a no-op is not recorded."""
    _may_write(by)
    case = SupervisionCase.objects.select_for_update().get(pk=case.pk)
    before = sorted(case.typical_cases.values_list("pk", flat=True))
    after = sorted({t.pk for t in typical_cases})
    if before != after:
        case.typical_cases.set(after)
        # The M2M change does not touch the row: bump updated_at so `updated_since` syncs see it.
        case.save(update_fields=["updated_at"])
        audit_record(actor=by, action="case.typical_cases_set", target=case,
                     changes={"typical_cases": [before, after]}, reason=reason)
    return case


@transaction.atomic
def case_update(*, case: SupervisionCase, by, reason: str = "", **fields) -> SupervisionCase:
    _may_write(by)
    case = SupervisionCase.objects.select_for_update().get(pk=case.pk)
    if case.status == SupervisionCase.Status.CLOSED:
        raise InvalidState(_("案件已办结，不能修改。"))
    inspections = fields.pop("inspections", None)
    before = snapshot(case, EDITABLE)
    for name, value in fields.items():
        if name in EDITABLE:
            setattr(case, name, value)
    case.save()
    changes = model_changes(case, EDITABLE, before)
    if inspections is not None:
        case.inspections.set(inspections)
        changes["inspections"] = [i.pk for i in inspections]
    if changes:
        audit_record(actor=by, action="case.updated", target=case, changes=changes, reason=reason)
    return case


@transaction.atomic
def case_measure_add(*, case: SupervisionCase, by, kind: str, date, deadline=None, document: str = "",
                     outcome: str = "") -> CaseMeasure:
    """Add a measure (举措 17). Measures escalate: one may repeat the current level or go up, never back
    down. The same measure again (kind, date, deadline, document and outcome all equal to the last one)
    is a double submission and returns the existing one."""
    _may_write(by)
    case = SupervisionCase.objects.select_for_update().get(pk=case.pk)
    if case.status == SupervisionCase.Status.CLOSED:
        raise InvalidState(_("案件已办结，不能再采取措施。"))
    if kind not in MEASURE_ORDER:
        raise ValidationFailed(detail={"kind": [_("无效的措施类型。")]})
    if deadline and deadline < date:
        raise ValidationFailed(detail={"deadline": [_("期限不能早于措施日期。")]})
    last = case.measures.order_by("-date", "-id").first()
    if last and (last.kind, last.date, last.deadline, last.document, last.outcome) == (
            kind, date, deadline, document, outcome):
        return last  # the same measure sent twice (a double tap, a retried request): recorded once
    if last and MEASURE_ORDER.index(kind) < MEASURE_ORDER.index(last.kind):
        raise MeasureOutOfOrder(detail={"last": last.kind, "requested": kind})
    measure = CaseMeasure.objects.create(case=case, kind=kind, date=date, deadline=deadline, document=document,
                                         outcome=outcome, created_by=by if getattr(by, "pk", None) else None)
    case.save(update_fields=["updated_at"])  # the case's `measures` changed: `updated_since` syncs see it
    audit_record(actor=by, action="case.measure_added", target=case, changes={
        "kind": kind, "date": date, "deadline": deadline, "document": document, "outcome": outcome})
    case_event_publish("case.measure_added", case)
    return measure


@transaction.atomic
def case_close(*, case: SupervisionCase, by, outcome: str) -> SupervisionCase:
    _may_write(by)
    case = SupervisionCase.objects.select_for_update().get(pk=case.pk)
    if case.status == SupervisionCase.Status.CLOSED:
        raise InvalidState(_("案件已办结。"))
    if not (outcome or "").strip():
        raise ValidationFailed(detail={"outcome": [_("办结须填写办理结果。")]})
    case.status, case.outcome = SupervisionCase.Status.CLOSED, outcome.strip()
    case.save(update_fields=["status", "outcome", "updated_at"])
    audit_record(actor=by, action="case.closed", target=case, changes={"status": ["open", "closed"]}, reason=outcome)
    case_event_publish("case.closed", case)
    if case.hotline_ticket_id:  # 12345 both ways: the ticket carries the outcome as its reply (办结)
        ticket = HotlineTicket.objects.select_for_update().get(pk=case.hotline_ticket_id)
        if ticket.status != HotlineTicket.Status.CLOSED:
            ticket.status, ticket.close_reason = HotlineTicket.Status.CLOSED, case.outcome
            ticket.save(update_fields=["status", "close_reason", "updated_at"])
            audit_record(actor=by, action="hotline.closed", target=ticket, reason=case.outcome,
                         changes={"status": ["case_opened", "closed"], "case": case.pk})
            hotline_closed_publish(ticket)
    return case


def user_may_answer(user, case: SupervisionCase) -> bool:
    """The supervised agency answers its own cases: an agency admin of `case.agency` (举措 17)."""
    return roles.is_agency_admin(user) and getattr(user, "agency_id", None) == case.agency_id


def case_correction_report(*, measure: CaseMeasure, by, report: str, files=()) -> CorrectionReport:
    """The supervised agency answers a 责令改正 with its 整改报告 and attachments (举措 17: 责令改正 →
    the agency reports its correction; issue 14 "12345 both ways" and issue 15 "Agency inbox").

    `measure`: a `correction` measure of an open case; `by`: an agency admin of the case's agency;
    `report`: what was corrected (required, at most 5,000 characters); `files`: up to 10 uploaded files
    (photos or PDF), each checked by `jiujiang_inspect.uploads.upload_check` before anything is written,
    so one bad file refuses the whole answer. One transaction, the case row locked: the report, its
    files, an audit entry `case.correction_reported` and the `case.correction_reported` event to
    智慧督 (and 12345 for a hotline case) either all happen or none.

    Raises PermissionDeniedError (not this agency's admin), InvalidState (case closed, or the measure is
    not a 责令改正), ValidationFailed (`report` empty or too long, too many files) and the uploads'
    `upload_type` / `upload_size` errors. Returns the saved `CorrectionReport`."""
    case = measure.case
    if not user_may_answer(by, case):
        raise PermissionDeniedError(_("只有被监督单位的管理员可以提交整改报告。"))
    if measure.kind != CaseMeasure.Kind.CORRECTION:
        raise InvalidState(_("只有“责令改正”需要提交整改报告。"))
    text = (report or "").strip()
    if not text:
        raise ValidationFailed(detail={"report": [_("请填写整改情况。")]})
    if len(text) > REPORT_MAX_CHARS:
        raise ValidationFailed(detail={"report": [_("整改情况不能超过%(n)d个字。") % {"n": REPORT_MAX_CHARS}]})
    files = list(files or ())
    if len(files) > REPORT_MAX_FILES:
        raise ValidationFailed(detail={"files": [_("附件不能超过%(n)d个。") % {"n": REPORT_MAX_FILES}]})
    checked = [upload_check(f, field="files") for f in files]
    with transaction.atomic():
        case = SupervisionCase.objects.select_for_update().get(pk=case.pk)
        if case.status == SupervisionCase.Status.CLOSED:
            raise InvalidState(_("案件已办结，不能再提交整改报告。"))
        saved = CorrectionReport.objects.create(measure=measure, report=text, submitted_by=by)
        for item in checked:
            stored_file_save(CorrectionReportFile(report=saved), item, by=by)
        case.save(update_fields=["updated_at"])  # the case's measures changed: `updated_since` syncs see it
        audit_record(actor=by, action="case.correction_reported", target=case, changes={
            "measure": measure.pk, "report": text, "files": [c.original_name for c in checked]})
        case_event_publish("case.correction_reported", case)
    return saved

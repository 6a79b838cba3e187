"""Reads of codes, results, evaluations and rectifications, and the public view of a code (the
only data a code page or `/check-codes/{code}/` ever shows: no ID numbers, no phones)."""
from django.db.models import Avg, Count, Prefetch, Q, QuerySet
from django.utils import timezone

from jiujiang_inspect import roles
from matters.models import CheckStandard, InspectionMatter
from plans.models import Inspection, Participation
from plans.selectors.inspections import inspection_list_for_user
from plans.selectors.quota import enterprise_quota

from . import codes
from .models import CheckCode, Evaluation, Evidence, InspectionResult, IssuedDocument, Rectification

#: The public verdict of a code (docs/api.md `/check-codes/{code}/` `verdict`), in Chinese for the page.
VERDICTS = {"valid": "真实有效", "not_yet_valid": "尚未生效", "finished": "检查已结束", "expired": "已过期",
            "revoked": "已撤销", "unknown": "无此检查码"}
FINISHED_INSPECTION = (Inspection.Status.RESULT_RECORDED, Inspection.Status.CLOSED)
#: Below this many evaluations an agency sees nothing: anonymity to the inspecting agency (举措 13).
AGGREGATE_MIN = 5


def _code_qs():
    parts = (Participation.objects.select_related("agency", "agency__entrusting_agency")
             .prefetch_related("inspectors__certificate", "matters__legal_bases"))
    return CheckCode.objects.select_related(
        "inspection__enterprise", "inspection__initiating_agency", "inspection__result",
        "inspection__result__rectification", "evaluation",
    ).prefetch_related(Prefetch("inspection__participations", queryset=parts))


def checkcode_get_by_string(raw: str) -> CheckCode | None:
    """The code for a typed or scanned string (normalised; None if malformed or unknown)."""
    normal = codes.normalize(raw)
    if normal is None:
        return None
    return _code_qs().filter(code=normal).first()


def checkcode_verdict(code: CheckCode | None, *, now=None) -> str:
    """The one public verdict of a code, from its state and the time (issue 11, decision j).

    revoked → "revoked"; swept as never shown → "expired"; a result recorded (code completed or closed,
    inspection result_recorded or closed) → "finished"; before its window → "not_yet_valid"; after its
    window → "finished" (a late code's window lies in the past, so it is finished too); otherwise, issued
    or shown inside its window → "valid", the only verdict that lets an inspector in (`valid_now`).
    `None` (no such code) → "unknown". Reads only what `checkcode_get_by_string` already loaded."""
    if code is None:
        return "unknown"
    now = now or timezone.now()
    S = CheckCode.Status
    if code.status == S.REVOKED:
        return "revoked"
    if code.status == S.EXPIRED:
        return "expired"
    if code.status in (S.COMPLETED, S.CLOSED) or code.inspection.status in FINISHED_INSPECTION:
        return "finished"
    if now < code.valid_from:
        return "not_yet_valid"
    if now > code.valid_until:
        return "finished"
    return "valid"


def checkcode_public_view(code: CheckCode, *, now=None) -> dict:
    """Everything the public may see about a code (docs/api.md `/check-codes/{code}/`)."""
    insp = code.inspection
    verdict = checkcode_verdict(code, now=now)
    quota = enterprise_quota(enterprise=insp.enterprise, year=insp.date.year)
    result = getattr(insp, "result", None) if hasattr(insp, "result") else None
    rect = getattr(result, "rectification", None) if result is not None and hasattr(result, "rectification") else None
    participations = []
    for p in insp.participations.all():
        participations.append({
            "agency": {"code": p.agency.code, "name": p.agency.display_name},
            "inspectors": [{"name": i.name, "certificate_number": getattr(getattr(i, "certificate", None), "number", "")}
                           for i in p.inspectors.all() if not i.is_helper],
            "matters": [{"code": m.code, "name": m.name,
                         "legal_bases": [{"title": b.title, "article": b.article} for b in m.legal_bases.all()]}
                        for m in p.matters.all()],
        })
    return {
        "code": code.code, "verdict": verdict, "verdict_label": VERDICTS[verdict], "valid_now": verdict == "valid",
        "status": code.status, "status_label": code.get_status_display(),
        "is_late": code.is_late, "late_reason": code.late_reason if code.is_late else "",
        "valid_from": code.valid_from, "valid_until": code.valid_until,
        "enterprise": {"name": insp.enterprise.name},
        "inspection": {"kind": insp.kind, "kind_label": insp.get_kind_display(), "mode": insp.mode,
                       "mode_label": insp.get_mode_display(), "date": insp.date, "is_joint": insp.is_joint},
        "participations": participations,
        "quota": {"year": quota["year"], "yearly_cap": quota["yearly_cap"], "used": quota["used"],
                  "remaining": quota["remaining"]},
        "result": None if result is None else {
            "outcome": result.outcome, "outcome_label": result.get_outcome_display(), "findings": result.findings,
            "recorded_at": result.recorded_at,
            "rectification": None if rect is None else {
                "id": rect.pk, "items": rect.items, "deadline": rect.deadline, "status": rect.status,
                "status_label": rect.get_status_display(), "enterprise_response": rect.enterprise_response,
                "verification_note": rect.verification_note}},
        "evaluation_submitted": hasattr(code, "evaluation"),
    }


def checkcode_list_for_user(*, user) -> QuerySet[CheckCode]:
    qs = CheckCode.objects.select_related("inspection__enterprise", "inspection__initiating_agency", "issued_by")
    if roles.is_reviewer(user) or roles.is_platform(user):
        return qs
    if roles.is_staff_member(user) and user.agency_id:
        return qs.filter(inspection__participations__agency_id=user.agency_id).distinct()
    return qs.none()


def checkcode_show_view(*, code: CheckCode, user, today=None) -> dict:
    """What the 全屏亮码 page shows (issue 15): the enterprise, the validity window, each agency with its
    inspectors' names (helpers marked), and whether the page may be kept on the phone for offline
    display: only the viewer's own code (he is among its inspectors, or issued it) for an inspection of
    today (local date) whose code is still live. Three queries."""
    today = today or timezone.localdate()
    parts = (Participation.objects.filter(inspection_id=code.inspection_id).select_related("agency")
             .prefetch_related("inspectors").order_by("-is_lead", "id"))
    teams = [{"agency": p.agency.display_name, "inspectors": [i.name + ("（辅助）" if i.is_helper else "")
                                                              for i in p.inspectors.all()]} for p in parts]
    inspector_id = getattr(user, "inspector_id", None)
    own = code.issued_by_id == user.pk or (
        inspector_id is not None and any(i.pk == inspector_id for p in parts for i in p.inspectors.all()))
    return {"teams": teams, "valid_from": code.valid_from, "valid_until": code.valid_until,
            "offline": own and code.inspection.date == today and code.status in CheckCode.LIVE,
            "day": today}


def rectification_list_for_user(*, user) -> QuerySet[Rectification]:
    qs = Rectification.objects.select_related("result__inspection__enterprise", "result__inspection__initiating_agency"
                                              ).prefetch_related("photos")
    if roles.is_reviewer(user):
        return qs
    if roles.is_staff_member(user) and user.agency_id:
        return qs.filter(result__inspection__participations__agency_id=user.agency_id).distinct()
    return qs.none()


def evaluation_aggregate_for_agency(*, agency, year: int | None = None) -> dict:
    """What an inspecting agency may see of its evaluations: aggregates only, and only over ≥5."""
    qs = Evaluation.objects.filter(check_code__inspection__participations__agency=agency)
    if year:
        qs = qs.filter(created_at__year=year)
    agg = qs.aggregate(n=Count("id", distinct=True), avg=Avg("rating"),
                       shown=Count("id", filter=Q(code_shown=True), distinct=True),
                       notified=Count("id", filter=Q(notified_in_advance=True), distinct=True),
                       negative=Count("id", filter=Q(negative_items__isnull=False), distinct=True))
    if agg["n"] < AGGREGATE_MIN:
        return {"count": agg["n"], "visible": False}
    return {"count": agg["n"], "visible": True, "average_rating": round(agg["avg"], 2),
            "code_shown_rate": round(agg["shown"] / agg["n"], 3), "notified_rate": round(agg["notified"] / agg["n"], 3),
            "negative_reports": agg["negative"]}


def evaluation_list_for_user(*, user) -> QuerySet[Evaluation]:
    """Individual evaluations: 司法局 reviewers only (anonymous to the inspecting agency)."""
    if roles.is_reviewer(user):
        return Evaluation.objects.select_related("check_code__inspection__enterprise").prefetch_related("negative_items")
    return Evaluation.objects.none()


def document_list_for_inspection(*, inspection) -> QuerySet[IssuedDocument]:
    """Every issued version of an inspection's 行政检查文书 (the caller has checked the inspection is visible)."""
    return IssuedDocument.objects.filter(inspection=inspection).order_by("-id")


def document_get_for_user(*, user, pk) -> IssuedDocument | None:
    """An issued document whose inspection `user` may see (inspection_list_for_user), or None."""
    visible = inspection_list_for_user(user=user).values("pk")
    return IssuedDocument.objects.filter(pk=pk, inspection__in=visible).select_related("inspection").first()


def document_list_for_code(*, code: CheckCode) -> list[IssuedDocument]:
    """The documents addressed to the enterprise of `code`'s inspection, as its code page lists them."""
    return list(IssuedDocument.objects.filter(inspection_id=code.inspection_id, to_enterprise=True).order_by("issued_at", "id"))


#: What an enterprise sees of its own inspections: those that reached it (a code was issued, or the
#: result is in). Drafts and approved-but-uncoded inspections stay internal: a 双随机 visit is not
#: announced through this page.
VISIBLE_TO_ENTERPRISE = (Inspection.Status.CODE_ISSUED, Inspection.Status.RESULT_RECORDED, Inspection.Status.CLOSED)


def enterprise_own_inspections(*, enterprise, year: int) -> list[Inspection]:
    """The inspections of `enterprise` in `year` that reached it (`VISIBLE_TO_ENTERPRISE`), newest first,
    each with `.codes` (its 检查码, newest first), its agencies, result and rectification with the
    enterprise's photos: "我的检查" (issue 15). A constant number of queries."""
    parts = Participation.objects.select_related("agency")
    rows = list(Inspection.objects.filter(enterprise=enterprise, date__year=year, status__in=VISIBLE_TO_ENTERPRISE)
                .select_related("result__rectification")
                .prefetch_related(Prefetch("participations", queryset=parts),
                                  Prefetch("check_codes", queryset=CheckCode.objects.order_by("-issued_at")),
                                  "result__rectification__photos")
                .order_by("-date", "-id"))
    for insp in rows:
        insp.codes = list(insp.check_codes.all())
        result = getattr(insp, "result", None) if hasattr(insp, "result") else None
        insp.public_result = result
        insp.public_rectification = (getattr(result, "rectification", None)
                                     if result is not None and hasattr(result, "rectification") else None)
    return rows


def result_checklist_template(*, inspection) -> list[dict]:
    """The 检查标准 the result form asks about (issue 15 "Recording a result"; 举措 3): every standard of
    the matters of every participating agency, each matter once, in the matters' code order. Each item:
    {"matter", "matter_code", "matter_name", "standard", "item", "criterion"}; `result_record` checks a
    submitted checklist against this list and stores it as a snapshot. Two queries."""
    matters = (InspectionMatter.objects.filter(participations__inspection=inspection).distinct().order_by("code", "id")
               .prefetch_related(Prefetch("check_standards", queryset=CheckStandard.objects.order_by("order", "id"))))
    return [{"matter": m.pk, "matter_code": m.code, "matter_name": m.name, "standard": s.pk, "item": s.item,
             "criterion": s.criterion} for m in matters for s in m.check_standards.all()]


def result_get_for_user(*, user, inspection_pk) -> InspectionResult | None:
    """The result of an inspection `user` may see (the scope of `inspection_list_for_user`) with its
    evidence, or None when there is none yet. Raises Inspection.DoesNotExist when the user may not see
    the inspection."""
    insp = inspection_list_for_user(user=user).get(pk=inspection_pk)
    return (InspectionResult.objects.filter(inspection=insp).select_related("recorded_by")
            .prefetch_related(Prefetch("evidence", queryset=Evidence.objects.order_by("id"))).first())


def evidence_list_for_user(*, user) -> QuerySet[Evidence]:
    """Evidence files `user` may download: those of the inspections `user` sees (participating or
    initiating agency, the 司法局 reviewer). Enterprises and the public get none."""
    return Evidence.objects.filter(result__inspection__in=inspection_list_for_user(user=user).values("pk"))

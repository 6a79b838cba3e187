"""Reads for trainings and the 检查码 training coverage (举措 9: every active inspector trained by
the end of April)."""
from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from jiujiang_inspect import roles
from subjects.models import Agency, Inspector

from ..models import GuidancePolicy, TrainingAttendance, TrainingSession


def training_list_for_user(*, user) -> QuerySet[TrainingSession]:
    """Reviewers see every session; others the sessions their agency organises or is invited to, and
    sessions open to the whole district (no invited agency)."""
    qs = TrainingSession.objects.select_related("organiser").annotate(attendance_count=Count("attendances"))
    if roles.is_reviewer(user):
        return qs
    agency_id = getattr(user, "agency_id", None)
    if not agency_id:
        return qs.none()
    invited = TrainingSession.invited_agencies.through.objects.filter(trainingsession_id=OuterRef("pk"))
    return qs.filter(Q(organiser_id=agency_id) | Exists(invited.filter(agency_id=agency_id)) | ~Exists(invited))


def _trained_subquery(deadline):
    return TrainingAttendance.objects.filter(
        inspector_id=OuterRef("pk"), session__is_checkcode=True, session__date__lte=deadline,
    ).exclude(session__status=TrainingSession.Status.CANCELLED)


def inspectors_in_scope() -> QuerySet[Inspector]:
    """Who must be trained: active inspectors (not helpers) of active agencies."""
    return Inspector.objects.filter(is_active=True, is_helper=False, agency__is_active=True)


def training_coverage_by_agency(*, deadline=None, agency=None) -> list[dict]:
    """Per agency: inspectors in scope, trained on the 检查码 by the deadline (attended a 检查码
    session dated on or before it), passed the 检查码 test, and the share trained. Two queries,
    whatever the number of agencies and inspectors."""
    deadline = deadline or GuidancePolicy.current().checkcode_training_deadline
    inspectors = inspectors_in_scope().annotate(trained=Exists(_trained_subquery(deadline)))
    if agency is not None:
        inspectors = inspectors.filter(agency=agency)
    rows = (inspectors.order_by().values("agency_id")
            .annotate(active=Count("id"), trained_count=Count("id", filter=Q(trained=True)),
                      passed=Count("id", filter=Q(checkcode_test_passed_at__isnull=False))))
    by_agency = {r["agency_id"]: r for r in rows}
    agencies = Agency.objects.filter(pk__in=by_agency).order_by("code")
    out = []
    for a in agencies:
        r = by_agency[a.pk]
        out.append({"agency": a, "active": r["active"], "trained": r["trained_count"], "passed": r["passed"],
                    "missing": r["active"] - r["trained_count"],
                    "percent": round(r["trained_count"] * 100 / r["active"], 1) if r["active"] else 0.0})
    return out


def training_coverage_total(rows) -> dict:
    active = sum(r["active"] for r in rows)
    trained = sum(r["trained"] for r in rows)
    return {"active": active, "trained": trained, "passed": sum(r["passed"] for r in rows),
            "missing": active - trained, "percent": round(trained * 100 / active, 1) if active else 0.0}


def inspectors_missing_training(*, deadline=None, agency=None) -> QuerySet[Inspector]:
    """Inspectors in scope with no 检查码 training by the deadline (who the reviewer chases)."""
    deadline = deadline or GuidancePolicy.current().checkcode_training_deadline
    qs = inspectors_in_scope().filter(~Exists(_trained_subquery(deadline))).select_related("agency")
    if agency is not None:
        qs = qs.filter(agency=agency)
    return qs.order_by("agency__code", "name", "id")


def trainings_due_for_inspector(*, inspector, today) -> QuerySet[TrainingSession]:
    """Upcoming or today's sessions the inspector's agency is invited to (for the learning page)."""
    invited = TrainingSession.invited_agencies.through.objects.filter(trainingsession_id=OuterRef("pk"))
    return (TrainingSession.objects.filter(date__gte=today).exclude(status=TrainingSession.Status.CANCELLED)
            .filter(Q(organiser_id=inspector.agency_id) | Exists(invited.filter(agency_id=inspector.agency_id))
                    | ~Exists(invited))
            .annotate(signed=Exists(TrainingAttendance.objects.filter(session_id=OuterRef("pk"),
                                                                      inspector=inspector)))
            .select_related("organiser").order_by("date", "id"))

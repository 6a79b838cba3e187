"""Reads of inspections, joint-match candidates, triggered filings and gate refusals, scoped by role:
agency staff see what their agency takes part in; reviewers (and the platform, read-only) see all."""
from datetime import timedelta

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet

from jiujiang_inspect import roles

from ..models import FrequencyPolicy, GateRefusal, Inspection, Participation, Pool, TriggeredFiling


def _sees_all(user) -> bool:
    return roles.is_reviewer(user) or roles.is_platform(user)


def inspections_detailed(qs=None) -> QuerySet[Inspection]:
    """Inspections with everything a list shows, in a fixed number of queries (no scoping)."""
    parts = Participation.objects.select_related("agency").prefetch_related("inspectors", "matters")
    qs = Inspection.objects.all() if qs is None else qs
    return (qs.select_related("enterprise", "initiating_agency", "plan")
            .prefetch_related(Prefetch("participations", queryset=parts), "check_codes"))


def inspection_list_for_user(*, user) -> QuerySet[Inspection]:
    qs = inspections_detailed()
    if _sees_all(user):
        return qs
    if roles.is_staff_member(user) and getattr(user, "agency_id", None):
        # The initiating agency keeps seeing its inspection after it was merged into another (decision g).
        # EXISTS rather than a join + DISTINCT (a DISTINCT over every column of the page, issue 13).
        return qs.filter(Exists(Participation.objects.filter(inspection=OuterRef("pk"), agency_id=user.agency_id))
                         | Q(initiating_agency_id=user.agency_id))
    return qs.none()


def inspection_for_action(*, user, pk) -> Inspection:
    """The inspection `pk` if `user` sees it (the scope of `inspection_list_for_user`), as a bare row in
    one query: for actions whose service locks and re-reads it anyway (issuing a 检查码). Raises
    Inspection.DoesNotExist."""
    qs = Inspection.objects.filter(pk=pk)
    if _sees_all(user):
        return qs.get()
    if roles.is_staff_member(user) and getattr(user, "agency_id", None):
        takes_part = Exists(Participation.objects.filter(inspection=OuterRef("pk"), agency_id=user.agency_id))
        return qs.filter(Q(takes_part) | Q(initiating_agency_id=user.agency_id)).get()
    raise Inspection.DoesNotExist


def inspections_returned_for_user(*, user, limit: int = 20) -> list[Inspection]:
    """退回修改 waiting for `user` (issue 11, decision k): returned inspections of the user's agency that the
    user drafted or takes part in, newest first, each with `last_refusal` (the latest GateRefusal or None).
    Three queries whatever the number of rows."""
    if not getattr(user, "agency_id", None):
        return []
    mine = Q(created_by=user)
    inspector = getattr(user, "inspector", None)
    if inspector is not None:
        mine |= Q(participations__inspectors=inspector)
    refusals = Prefetch("refusals", queryset=GateRefusal.objects.order_by("-at", "-id"), to_attr="refusals_newest")
    rows = list(Inspection.objects.filter(mine, initiating_agency_id=user.agency_id, status=Inspection.Status.RETURNED)
                .distinct().select_related("enterprise").prefetch_related(refusals).order_by("-updated_at", "-id")[:limit])
    for row in rows:
        row.last_refusal = row.refusals_newest[0] if row.refusals_newest else None
    return rows


def inspection_get_for_user(*, user, pk) -> Inspection:
    return inspection_list_for_user(user=user).get(pk=pk)


def joint_match_candidates(*, inspection: Inspection) -> QuerySet[Inspection]:
    """Other agencies' pending (draft/approved) inspections of the same enterprise within the policy's
    window (default 30 days) around this one's date: the matches the rules offer for 综合查一次
    (docs/domain.md "Joint matching with consent"). None while this inspection is not pending, and
    never for an enterprise in the non-joint pool or not joining joint inspections (decision g)."""
    enterprise = inspection.enterprise
    if (inspection.status not in (Inspection.Status.DRAFT, Inspection.Status.APPROVED)
            or enterprise.pool == Pool.NON_JOINT or not enterprise.joins_joint):
        return Inspection.objects.none()
    days = FrequencyPolicy.current().joint_match_window_days
    own_agencies = list(inspection.participations.values_list("agency_id", flat=True))
    return (Inspection.objects.filter(enterprise_id=inspection.enterprise_id,
                                      status__in=(Inspection.Status.DRAFT, Inspection.Status.APPROVED),
                                      date__gte=inspection.date - timedelta(days=days),
                                      date__lte=inspection.date + timedelta(days=days))
            .exclude(pk=inspection.pk).exclude(participations__agency_id__in=own_agencies)
            .select_related("initiating_agency", "enterprise").order_by("date", "id"))


def triggered_filing_list_for_user(*, user) -> QuerySet[TriggeredFiling]:
    qs = TriggeredFiling.objects.select_related("agency", "enterprise", "inspection")
    if _sees_all(user):
        return qs
    if roles.is_staff_member(user) and getattr(user, "agency_id", None):
        return qs.filter(agency_id=user.agency_id)
    return qs.none()


def gate_refusal_list_for_user(*, user) -> QuerySet[GateRefusal]:
    """Reviewers see every refusal; an agency sees refusals of its own attempts."""
    qs = GateRefusal.objects.select_related("inspection__enterprise", "agency", "user")
    if roles.is_reviewer(user):
        return qs
    if roles.is_staff_member(user) and getattr(user, "agency_id", None):
        return qs.filter(agency_id=user.agency_id)
    return qs.none()

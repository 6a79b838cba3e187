"""Reads for result recognition (举措 12 信息互通、结果互认)."""
from datetime import datetime, time, timedelta

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from checkcode.models import InspectionResult
from jiujiang_inspect import roles
from plans.models import Inspection, Participation
from plans.selectors.counting import COUNTED_STATUSES

from ..models import GuidancePolicy, MatterEquivalence, ResultRecognition


def equivalents_of(matter_ids) -> dict[int, set[int]]:
    """For each matter id: itself plus every active equivalent matter (the table is symmetric)."""
    matter_ids = set(matter_ids)
    out = {m: {m} for m in matter_ids}
    rows = MatterEquivalence.objects.filter(is_active=True).filter(
        Q(matter_a_id__in=matter_ids) | Q(matter_b_id__in=matter_ids)).values_list("matter_a_id", "matter_b_id")
    for a, b in rows:
        if a in out:
            out[a].add(b)
        if b in out:
            out[b].add(a)
    return out


def _draft_matter_ids(inspection) -> set[int]:
    return set(Participation.matters.through.objects.filter(
        participation__inspection=inspection, participation__agency_id=inspection.initiating_agency_id,
    ).values_list("inspectionmatter_id", flat=True))


def recognisable_results(*, inspection: Inspection, window_days: int | None = None) -> list[dict]:
    """Results other agencies recorded at the same enterprise within the recognition window (a
    GuidancePolicy setting, default 180 days before the draft's date) on the same or an equivalent
    matter. Each entry: the result, the draft matters it covers and those it leaves uncovered.
    Evaluation data are never read here: they stay anonymous to agencies."""
    window_days = GuidancePolicy.current().recognition_window_days if window_days is None else window_days
    agency_id = inspection.initiating_agency_id
    draft_matters = _draft_matter_ids(inspection)
    if not draft_matters:
        return []
    since = timezone.make_aware(datetime.combine(inspection.date - timedelta(days=window_days), time.min))
    other_agency = Participation.objects.filter(inspection=OuterRef("inspection_id")).exclude(agency_id=agency_id)
    results = (InspectionResult.objects
               .filter(inspection__enterprise_id=inspection.enterprise_id, recorded_at__gte=since)
               .exclude(inspection_id=inspection.pk).filter(inspection__status__in=COUNTED_STATUSES)
               .filter(Exists(other_agency))
               .select_related("inspection", "inspection__enterprise")
               .prefetch_related("inspection__participations__agency", "inspection__participations__matters")
               .order_by("-recorded_at", "-id"))
    equivalents = equivalents_of(draft_matters)
    out = []
    for result in results:
        others = [p for p in result.inspection.participations.all() if p.agency_id != agency_id]
        matters = {m.pk: m for p in others for m in p.matters.all()}
        covered = {d for d in draft_matters if equivalents[d] & set(matters)}
        if not covered:
            continue
        out.append({"result": result, "agencies": [p.agency for p in others],
                    "matters": list(matters.values()), "covered": covered,
                    "uncovered": draft_matters - covered, "full": covered == draft_matters})
    return out


def recognition_list_for_user(*, user) -> QuerySet[ResultRecognition]:
    """Reviewers see every recognition; agency staff their own agency's."""
    qs = ResultRecognition.objects.select_related(
        "agency", "enterprise", "recognised_by", "inspection", "result", "result__inspection")
    if roles.is_reviewer(user) or roles.is_platform(user):
        return qs
    if getattr(user, "agency_id", None):
        return qs.filter(agency_id=user.agency_id)
    return qs.none()


def recognitions_count(year: int, month: int | None = None, agency=None) -> int:
    """Inspections avoided by recognising another agency's result, counted in the month (Asia/Shanghai)
    the recognition was made. For the dashboard and the summary report."""
    qs = ResultRecognition.objects.filter(created_at__year=year)
    if month:
        qs = qs.filter(created_at__month=month)
    if agency is not None:
        qs = qs.filter(agency=agency)
    return qs.count()


def recognitions_between(start, end) -> QuerySet[ResultRecognition]:
    """Recognitions made on local dates start..end inclusive."""
    tz = timezone.get_current_timezone()
    lo = datetime.combine(start, time.min, tzinfo=tz)
    hi = datetime.combine(end + timedelta(days=1), time.min, tzinfo=tz)
    return ResultRecognition.objects.filter(created_at__gte=lo, created_at__lt=hi)


def equivalence_list() -> QuerySet[MatterEquivalence]:
    return MatterEquivalence.objects.select_related("matter_a", "matter_a__agency", "matter_b",
                                                    "matter_b__agency").order_by("-id")

"""The agency's 收件箱 (issue 15, "Agency: Inbox"): what the 区司法局 and the rules said about one agency —
open warnings, blocks that restrict it or its inspectors, refusals of its inspections, and the
supervision cases about it with the 责令改正 it has to answer. Reads only; every item links to what it is
about."""
from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from jiujiang_inspect.models import Alert
from plans.models import Block, GateRefusal

from ..models import CaseMeasure, CorrectionReport, SupervisionCase

REFUSAL_DAYS = 30
LIMIT = 50


def agency_cases(*, agency_id: int) -> QuerySet[SupervisionCase]:
    """The supervision cases about `agency_id`, open ones first (nearest deadline first), then closed ones
    newest first; measures, their 整改报告 and files prefetched (no query per row)."""
    reports = CorrectionReport.objects.select_related("submitted_by").prefetch_related("files")
    measures = CaseMeasure.objects.prefetch_related(Prefetch("reports", queryset=reports))
    return (SupervisionCase.objects.filter(agency_id=agency_id).select_related("agency", "hotline_ticket")
            .prefetch_related(Prefetch("measures", queryset=measures), "inspections__enterprise")
            .order_by("status", "deadline", "-created_at", "-id"))


def measures_awaiting_report(case: SupervisionCase) -> list[CaseMeasure]:
    """The 责令改正 of an open case that have no 整改报告 yet (read from the prefetched measures)."""
    if case.status != SupervisionCase.Status.OPEN:
        return []
    return [m for m in case.measures.all() if m.kind == CaseMeasure.Kind.CORRECTION and not m.reports.all()]


@dataclass
class Inbox:
    alerts: list
    blocks: list
    refusals: list
    cases: list
    to_answer: int  # 责令改正 still waiting for the agency's report


def agency_inbox(*, agency_id: int, limit: int = LIMIT) -> Inbox:
    """Everything addressed to one agency: alerts not yet handled (newest first), active blocks limited to
    the agency or one of its inspectors, its inspections refused by a rule in the last 30 days, and its
    supervision cases (`agency_cases`). Each list at most `limit` rows; a constant number of queries."""
    since = timezone.now() - timedelta(days=REFUSAL_DAYS)
    alerts = list(Alert.objects.filter(agency_id=agency_id).exclude(status=Alert.Status.RESOLVED)
                  .select_related("target_type").order_by("-created_at", "-id")[:limit])
    blocks = list(Block.objects.filter(status=Block.Status.ACTIVE)
                  .filter(Q(agency_id=agency_id) | Q(inspector__agency_id=agency_id))
                  .select_related("enterprise", "inspector").order_by("-starts_on", "-id")[:limit])
    refusals = list(GateRefusal.objects.filter(agency_id=agency_id, at__gte=since)
                    .select_related("inspection__enterprise", "user").order_by("-at", "-id")[:limit])
    cases = list(agency_cases(agency_id=agency_id)[:limit])
    return Inbox(alerts=alerts, blocks=blocks, refusals=refusals, cases=cases,
                 to_answer=sum(len(measures_awaiting_report(c)) for c in cases))

"""Panels for the role home pages (docs/ui.md: "what do I have to do today?"). The lead wires them into
home.py; each returns a small dict of counts and at most a few rows, in a fixed number of queries."""
from django.db.models import Count, Q
from django.utils import timezone

from jiujiang_inspect.models import Alert
from plans.models import Block, MonthlyFilingSummary

from .models import HotlineTicket, JobRun, SupervisionCase


def reviewer_supervision_panel(*, user) -> dict:
    """Today's alerts and blocks, new 12345 tickets, open cases with deadlines, the last audit run."""
    today = timezone.localdate()
    alerts = Alert.objects.filter(status=Alert.Status.OPEN).aggregate(
        open=Count("id"), block=Count("id", filter=Q(severity="block")),
        today=Count("id", filter=Q(created_at__date=today)))
    live = Q(status="active", starts_on__lte=today) & (Q(ends_on__isnull=True) | Q(ends_on__gte=today))
    return {
        "alerts": alerts,
        "blocks_open": Block.objects.filter(live).count(),
        "tickets_new": HotlineTicket.objects.filter(status=HotlineTicket.Status.NEW).count(),
        "cases_due": list(SupervisionCase.objects.filter(status="open").select_related("agency")
                          .order_by("deadline", "id")[:5]),
        "last_audit": JobRun.objects.filter(kind="frequency_audit").order_by("-started_at").first(),
    }


def agency_admin_supervision_panel(*, user) -> dict:
    """This agency's monthly filing summaries waiting for confirmation and its open alerts."""
    return {
        "summaries_to_confirm": list(MonthlyFilingSummary.objects.filter(
            agency_id=user.agency_id, confirmed_at__isnull=True).order_by("-month")[:3]),
        "alerts_open": Alert.objects.filter(agency_id=user.agency_id, status=Alert.Status.OPEN).count(),
    }

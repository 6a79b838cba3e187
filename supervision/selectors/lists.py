"""Reads behind the supervision lists (pages and API), scoped to who asks."""
from django.db.models import QuerySet

from jiujiang_inspect import roles
from jiujiang_inspect.models import Alert
from plans.models import Block, MonthlyFilingSummary

from ..models import HotlineTicket, JobRun, SupervisionCase


def alert_list_for_user(*, user) -> QuerySet[Alert]:
    qs = Alert.objects.select_related("agency", "handled_by")
    if roles.is_reviewer(user) or roles.is_platform(user):
        return qs
    return qs.filter(agency_id=user.agency_id) if getattr(user, "agency_id", None) else qs.none()


def block_list() -> QuerySet[Block]:
    return Block.objects.select_related("enterprise", "agency", "inspector", "overridden_by")


def filing_summary_list_for_user(*, user) -> QuerySet[MonthlyFilingSummary]:
    qs = MonthlyFilingSummary.objects.select_related("agency", "confirmed_by")
    if roles.is_reviewer(user) or roles.is_platform(user):
        return qs
    return qs.filter(agency_id=user.agency_id) if getattr(user, "agency_id", None) else qs.none()


def case_list() -> QuerySet[SupervisionCase]:
    return SupervisionCase.objects.select_related("agency", "hotline_ticket", "created_by")


def case_list_for_user(*, user) -> QuerySet[SupervisionCase]:
    """Reviewers and the platform read every case; an agency admin the cases about their own agency
    (the supervised agency answers them, issue 14); anyone else none."""
    if roles.is_reviewer(user) or roles.is_platform(user):
        return case_list()
    if roles.is_agency_admin(user) and getattr(user, "agency_id", None):
        return case_list().filter(agency_id=user.agency_id)
    return case_list().none()


def hotline_ticket_list() -> QuerySet[HotlineTicket]:
    return HotlineTicket.objects.select_related("agency")


def jobrun_list() -> QuerySet[JobRun]:
    return JobRun.objects.select_related("triggered_by")

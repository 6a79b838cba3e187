"""Reads of summary reports (reviewers and the platform with `read`)."""
from django.db.models import QuerySet

from jiujiang_inspect import roles

from .models import Report


def report_list_for_user(*, user) -> QuerySet[Report]:
    if roles.is_reviewer(user) or roles.is_platform(user):
        return Report.objects.select_related("requested_by", "job")
    return Report.objects.none()

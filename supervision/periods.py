"""Calendar helpers for the monthly jobs. Every period is a calendar month in Asia/Shanghai
(settings.TIME_ZONE), never UTC: the audit for "the previous month" at 00:30 on 1 January in 鸠江区
is December, although UTC still reads 31 December."""
import calendar
from datetime import date, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from jiujiang_inspect import dates
from jiujiang_inspect.exceptions import ValidationFailed


def parse_month(month: str) -> tuple[date, date]:
    """'2025-03' (or any form jiujiang_inspect.dates.normalise_month reads) → (2025-03-01, 2025-03-31).
    Raises ValidationFailed (400, detail.month) for anything else, including years outside 1900–2100."""
    normal = dates.normalise_month(month)
    if normal is None:
        raise ValidationFailed(detail={"month": [_(dates.MONTH_MESSAGE)]})
    return dates.month_bounds(normal)


def month_of(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def previous_month(today: date | None = None) -> str:
    """The month before `today` (default: today in Asia/Shanghai)."""
    today = today or timezone.localdate()
    return month_of(today.replace(day=1) - timedelta(days=1))


def end_of_following_month(day: date) -> date:
    first_next = (day.replace(day=28) + timedelta(days=4)).replace(day=1)
    return first_next.replace(day=calendar.monthrange(first_next.year, first_next.month)[1])


def iso_weeks_of_month(start: date, end: date) -> list[date]:
    """Mondays of the ISO weeks that belong to this month: a week belongs to the month holding its
    Thursday (the ISO 8601 rule for week-years), so a week straddling two months is judged once,
    in full, by exactly one monthly audit."""
    monday = start - timedelta(days=start.weekday())
    weeks = []
    while monday <= end:
        thursday = monday + timedelta(days=3)
        if start <= thursday <= end:
            weeks.append(monday)
        monday += timedelta(days=7)
    return weeks

"""Calendar helpers for the monthly jobs. Every period is a calendar month in Asia/Shanghai
(settings.TIME_ZONE), never UTC: the audit for "the previous month" at 00:30 on 1 January in 鸠江区
is December, although UTC still reads 31 December."""
import calendar
import re
from datetime import date, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from jiujiang_inspect.exceptions import ValidationFailed

MONTH_RE = re.compile(r"^([0-9]{4})-(0[1-9]|1[0-2])$")


def parse_month(month: str) -> tuple[date, date]:
    """'2025-03' → (2025-03-01, 2025-03-31); a malformed month is a 400."""
    m = MONTH_RE.match(str(month or ""))
    if not m:
        raise ValidationFailed(detail={"month": [_("月份格式应为 YYYY-MM，例如 2025-03。")]})
    year, mon = int(m.group(1)), int(m.group(2))
    return date(year, mon, 1), date(year, mon, calendar.monthrange(year, mon)[1])


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

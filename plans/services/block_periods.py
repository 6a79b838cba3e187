"""How long a block lasts: one rule, used by the real-time gates and by the monthly audit (decision b
of issue 11; docs/domain.md "Frequency rules" 2–4).

- triggered frequency: from the first day of the month of the breach to the end of the calendar month
  in which the block is created (a gate's block: that month; the audit's, run on the 1st of the next
  month: the end of that next month);
- yearly cap: from the breach to 31 December of the breach's year;
- low efficiency: 12 months from the N-th consecutive no-finding result (to the day before its
  anniversary).
A manual block has no rule-given period (the reviewer sets it).
"""
import calendar
from datetime import date

from django.utils import timezone

from ..models import Block


def _month_end(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def _twelve_months_from(day: date) -> date:
    """The day before the first anniversary (29 February counts to 27 February)."""
    try:
        anniversary = day.replace(year=day.year + 1)
    except ValueError:  # 29 February
        anniversary = date(day.year + 1, 2, 28)
    return date.fromordinal(anniversary.toordinal() - 1)


def block_period(*, rule: str, breach_on: date, created_on: date | None = None) -> tuple[date, date]:
    """(starts_on, ends_on) of a block of `rule` for a breach on `breach_on` (the inspection date, the
    audited month's first day, or the N-th no-finding result), created on `created_on` (default
    today in Asia/Shanghai)."""
    created_on = created_on or timezone.localdate()
    if rule == Block.Rule.TRIGGERED_FREQUENCY:
        return breach_on.replace(day=1), _month_end(max(created_on, breach_on))
    if rule == Block.Rule.YEARLY_CAP:
        return breach_on, date(breach_on.year, 12, 31)
    if rule == Block.Rule.LOW_EFFICIENCY:
        return breach_on, _twelve_months_from(breach_on)
    raise ValueError(f"no rule-given period for {rule}")

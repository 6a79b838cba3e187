"""The one lenient date reader for imports and forms.

Accepted (after NFKC, so full-width digits count; spaces ignored):
- text year-month-day separated by ``-``, ``/``, ``.`` or written ``2025年3月1日``, padded or not
  (``2025-03-01``, ``2025/3/1``, ``2025.3.1``), optionally followed by a time (``2025-03-01 00:00:00``);
  ``20250301`` (eight digits);
- a real date/datetime cell;
- an Excel serial number (a date typed into a General cell, or a date cell whose format openpyxl does
  not know), counted from 1899-12-30 or, for workbooks saved with the 1904 date system, 1904-01-01.

`DATE_INPUT_FORMATS` is the same list Django's forms parse with (jiujiang_inspect/formats/zh_Hans), its
first entry ISO so that ``<input type=date>`` shows stored values. The error names the value.

Months (`normalise_month`, `month_bounds`): `2025-03`, `2025-3`, `2025/3`, `2025.3`, `2025年3月` → `2025-03`,
years 1900–2100 only (docs/api.md: dates and datetimes outside 1900–2100 are a 400).
"""
import calendar
import re
import unicodedata
from datetime import date, datetime, time, timedelta

from django.utils import timezone

DATE_INPUT_FORMATS = ["%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日", "%Y%m%d"]
TIME_FORMATS = ["%H:%M:%S", "%H:%M", "%H:%M:%S.%f", "%H时%M分", "%H时%M分%S秒", "%H点%M分"]
DATETIME_INPUT_FORMATS = [f"{d} {t}" for d in DATE_INPUT_FORMATS[:4] for t in TIME_FORMATS[:3]]
EPOCH_1900 = date(1899, 12, 30)  # serial 60 is Lotus' phantom 1900-02-29; serials from 61 are right
EPOCH_1904 = date(1904, 1, 1)
MAX_SERIAL = 2958465  # 9999-12-31
_SPLIT = re.compile(r"^([0-9]{4} ?[-/.年] ?[0-9]{1,2} ?[-/.月] ?[0-9]{1,2} ?日?|[0-9]{8})(?:(?:T| |(?<=日))(.+))?$")


YEAR_MIN, YEAR_MAX = 1900, 2100
MONTH_MESSAGE = "月份格式应为 YYYY-MM，例如 2025-03（1900—2100 年）。"
_MONTH = re.compile(r"^([0-9]{4}) ?[-/.年] ?([0-9]{1,2}) ?月?$")


def normalise_month(value) -> str | None:
    """A month as `YYYY-MM` from typed text (see module doc); None if it is not a month of 1900–2100."""
    match = _MONTH.match(_text(value or "").strip())
    if not match:
        return None
    year, month = int(match.group(1)), int(match.group(2))
    if not (YEAR_MIN <= year <= YEAR_MAX and 1 <= month <= 12):
        return None
    return f"{year:04d}-{month:02d}"


def month_bounds(month: str) -> tuple[date, date]:
    """`2025-03` (as `normalise_month` returns it) → (2025-03-01, 2025-03-31)."""
    year, mon = int(month[:4]), int(month[5:7])
    return date(year, mon, 1), date(year, mon, calendar.monthrange(year, mon)[1])


class DateParseError(ValueError):
    """`str(exc)` is a Chinese message naming the value that could not be read."""

    def __init__(self, value, *, with_time=False):
        example = "2025-03-01 09:30" if with_time else "2025-03-01、2025/3/1 或 2025年3月1日"
        super().__init__(f"无法识别{'时间' if with_time else '日期'}“{value}”，请填写如 {example}。")


def _text(value) -> str:
    return " ".join(unicodedata.normalize("NFKC", str(value)).split())


def _serial(value, epoch1904: bool):
    if not 0 < value <= MAX_SERIAL:
        raise DateParseError(value)
    whole = int(value)
    start = EPOCH_1904 if epoch1904 else EPOCH_1900
    if not epoch1904 and whole < 61:  # before Lotus' phantom leap day
        whole += 1
    moment = datetime.combine(start + timedelta(days=whole), time()) + timedelta(
        seconds=round((value - int(value)) * 86400))
    return moment


def _split(value):
    """(date, time-or-None) of a text value, or raise DateParseError."""
    text = _text(value)
    match = _SPLIT.match(text)
    if not match:
        raise DateParseError(value)
    day_text, rest = match.group(1).replace(" ", ""), (match.group(2) or "").replace(" ", "")
    for fmt in DATE_INPUT_FORMATS:
        try:
            day = datetime.strptime(day_text, fmt).date()
            break
        except ValueError:
            continue
    else:
        raise DateParseError(value)
    if not rest:
        return day, None
    for fmt in TIME_FORMATS:
        try:
            return day, datetime.strptime(rest, fmt).time()
        except ValueError:
            continue
    raise DateParseError(value)


def parse_date(value, *, epoch1904: bool = False) -> date | None:
    """A `date` from a cell or typed text (see module doc); None for an empty value. Raises
    DateParseError (a ValueError whose message names the value) for anything else."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, bool):
        raise DateParseError(value)
    if isinstance(value, int | float):
        return _serial(value, epoch1904).date()
    day, _time = _split(value)
    return day


def parse_datetime(value, *, epoch1904: bool = False) -> datetime | None:
    """An aware datetime (Asia/Shanghai when the value carries no zone) from a cell or text; a bare
    date means its midnight. None for an empty value; DateParseError otherwise."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, date):
        moment = datetime.combine(value, time())
    elif isinstance(value, bool):
        raise DateParseError(value, with_time=True)
    elif isinstance(value, int | float):
        moment = _serial(value, epoch1904)
    else:
        from django.utils.dateparse import parse_datetime as iso

        try:
            moment = iso(_text(value)) if "T" in str(value) or "+" in str(value) else None
        except ValueError:
            moment = None
        if moment is None:
            try:
                day, at = _split(value)
            except DateParseError:
                raise DateParseError(value, with_time=True) from None
            moment = datetime.combine(day, at or time())
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment

"""The base of every FilterSet (HTML lists and API lists alike): each filter value is validated.

A malformed or out-of-range value is a form error, so the API answers 400 with the parameter in
`detail` (DjangoFilterBackend) and a page shows the error, never a 500 (issue 10 "?year=0") and never
a silently empty list (issue 12 "Filters"):
- number filters take whole numbers only; a year (`year`, `…__year`) lies in 1900–2100, a month number
  (`…__month`) in 1–12, anything else within a 64-bit integer;
- `MonthFilter` takes `YYYY-MM` and normalises the unambiguous `2025-3` to `2025-03`.
"""
import re

import django_filters
from django import forms
from django.core.validators import DecimalValidator, MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _

YEAR_MIN, YEAR_MAX = 1900, 2100
INT64_MAX = 2**63 - 1


def _bounds(name: str, field_name: str):
    target = f"{name}|{field_name or ''}"
    if name == "year" or target.endswith("__year") or field_name == "year":
        return YEAR_MIN, YEAR_MAX
    if target.endswith("__month"):
        return 1, 12
    return -INT64_MAX, INT64_MAX


class FilterSet(django_filters.FilterSet):
    """django-filter's FilterSet whose number filters are bounded whole numbers (see module docstring)."""

    @property
    def form(self):
        form = super().form
        if not getattr(form, "_values_bounded", False):
            for name, field in form.fields.items():
                if isinstance(field, forms.DecimalField):
                    flt = self.filters.get(name)
                    low, high = _bounds(name, getattr(flt, "field_name", ""))
                    field.min_value, field.max_value = low, high
                    field.validators += [MinValueValidator(low), MaxValueValidator(high),
                                         DecimalValidator(max_digits=None, decimal_places=0)]
            form._values_bounded = True
        return form


MONTH_RE = re.compile(r"^\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?\s*$")
MONTH_MESSAGE = _("月份格式应为 YYYY-MM，例如 2025-03。")


def normalise_month(value: str) -> str | None:
    """`2025-3`, `2025-03`, `2025/3`, `2025年3月` → `2025-03`; None if it is not a month of 1900–2100."""
    match = MONTH_RE.match(value or "")
    if not match:
        return None
    year, month = int(match.group(1)), int(match.group(2))
    if not (YEAR_MIN <= year <= YEAR_MAX and 1 <= month <= 12):
        return None
    return f"{year:04d}-{month:02d}"


class MonthField(forms.CharField):
    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return ""
        month = normalise_month(value)
        if month is None:
            raise forms.ValidationError(MONTH_MESSAGE, code="invalid")
        return month


class MonthFilter(django_filters.CharFilter):
    """`?month=YYYY-MM` (a month stored as the text YYYY-MM)."""

    field_class = MonthField

"""The base of every FilterSet (HTML lists and API lists alike): each filter value is validated.

A malformed or out-of-range value is a form error, so the API answers 400 with the parameter in
`detail` (DjangoFilterBackend) and a page shows the error, never a 500 (issue 10 "?year=0") and never
a silently empty list (issue 12 "Filters"):
- number filters take whole numbers only; a year (`year`, `…__year`) lies in 1900–2100, a month number
  (`…__month`) in 1–12, anything else within a 64-bit integer;
- `MonthFilter` takes `YYYY-MM` and normalises the unambiguous `2025-3` to `2025-03`.
"""
from datetime import date

import django_filters
from django import forms
from django.core.validators import DecimalValidator, MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _

from . import dates
from .identifiers import normalize_code, normalize_identifier

YEAR_MIN, YEAR_MAX = dates.YEAR_MIN, dates.YEAR_MAX
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


MONTH_MESSAGE = _(dates.MONTH_MESSAGE)


class MonthField(forms.CharField):
    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return ""
        month = dates.normalise_month(value)
        if month is None:
            raise forms.ValidationError(MONTH_MESSAGE, code="invalid")
        return month


class YearFilter(django_filters.NumberFilter):
    """`?year=YYYY` (1900–2100; anything else is a 400 on the list) on a date field, as a date range an
    index serves (never EXTRACT), or on a text month `YYYY-MM` (`text_month=True`) as its prefix."""

    field_class = forms.IntegerField

    def __init__(self, *args, text_month: bool = False, **kwargs):
        self.text_month = text_month
        kwargs.setdefault("min_value", 1900)
        kwargs.setdefault("max_value", 2100)
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        if value in (None, ""):
            return qs
        year = int(value)
        if self.text_month:
            return qs.filter(**{f"{self.field_name}__startswith": f"{year:04d}-"})
        return qs.filter(**{f"{self.field_name}__gte": date(year, 1, 1), f"{self.field_name}__lt": date(year + 1, 1, 1)})


class MonthFilter(django_filters.CharFilter):
    """`?month=YYYY-MM` (a month stored as the text YYYY-MM)."""

    field_class = MonthField


class IdentifierField(forms.CharField):
    def __init__(self, *args, valid=None, invalid_message="", **kwargs):
        self.valid, self.invalid_message = valid, invalid_message
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        value = normalize_identifier(super().to_python(value))
        if value and self.valid is not None and not self.valid(value):
            raise forms.ValidationError(self.invalid_message or _("标识格式不正确。"), code="invalid")
        return value


class IdentifierFilter(django_filters.CharFilter):
    """An exact identifier filter (`?enterprise=<uscc>`): the value is read as the identifier it spells
    (full-width forms, lower case, spaces, hyphens, invisible characters; jiujiang_inspect.identifiers),
    as everywhere an identifier enters (docs/api.md "Identifiers"). `valid` (a predicate on the normalised
    text) and `invalid_message` make a value that cannot be the identifier a 400 naming the parameter,
    not an empty list."""

    field_class = IdentifierField


class CodeField(forms.CharField):
    def to_python(self, value):
        return normalize_code(super().to_python(value))


class CodeFilter(django_filters.CharFilter):
    """A code filter (`?agency=scjg`): the value normalised (normalize_code) and matched whatever its case."""

    field_class = CodeField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("lookup_expr", "iexact")
        super().__init__(*args, **kwargs)

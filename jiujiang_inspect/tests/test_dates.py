"""The one lenient date reader (jiujiang_inspect.dates) and the form formats built on it."""
from datetime import date, datetime

import pytest
from django import forms
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900, to_excel

from jiujiang_inspect.dates import DateParseError, parse_date, parse_datetime

SEPARATORS = [("-", "-", ""), ("/", "/", ""), (".", ".", ""), ("年", "月", "日")]


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.dates(min_value=date(1900, 3, 1), max_value=date(9999, 12, 31)), st.sampled_from(SEPARATORS),
       st.booleans(), st.booleans())
def test_every_written_form_of_a_date_reads_back(day, seps, padded, full_width):
    month, dom = (f"{day.month:02d}", f"{day.day:02d}") if padded else (str(day.month), str(day.day))
    text = f"{day.year:04d}{seps[0]}{month}{seps[1]}{dom}{seps[2]}"
    if full_width:
        text = text.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    assert parse_date(text) == day


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.dates(min_value=date(1904, 1, 2), max_value=date(9999, 12, 31)), st.booleans())
def test_excel_serials_honour_the_workbook_date_system(day, mac):
    epoch = CALENDAR_MAC_1904 if mac else CALENDAR_WINDOWS_1900
    serial = to_excel(datetime(day.year, day.month, day.day), epoch)
    assert parse_date(serial, epoch1904=mac) == day
    assert parse_date(float(serial), epoch1904=mac) == day


@pytest.mark.parametrize("value", ["2025-13-01", "2025-02-30", "2025-3", "明天", "0", -5, True, "45717"])
def test_unreadable_values_are_named_in_the_error(value):
    with pytest.raises(DateParseError) as exc:
        parse_date(value)
    assert f"“{value}”" in str(exc.value)


def test_datetimes_read_the_usual_ways():
    expected = parse_datetime("2025-03-01 09:30")
    assert expected.hour == 9 and expected.utcoffset().total_seconds() == 8 * 3600
    for text in ["2025/3/1 9:30", "2025年3月1日 09:30", "2025-03-01T09:30:00+08:00", "2025.03.01 09:30:00"]:
        assert parse_datetime(text) == expected, text
    assert parse_datetime(45717.3958333333).replace(second=0) == expected
    with pytest.raises(DateParseError) as exc:
        parse_datetime("2025-03-01 25:00")
    assert "“2025-03-01 25:00”" in str(exc.value)


class _Form(forms.Form):
    day = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))


@pytest.mark.parametrize("typed", ["2025-03-01", "2025/3/1", "2025.3.1", "2025年3月1日"])
def test_forms_read_the_same_typed_dates(typed):
    form = _Form({"day": typed})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["day"] == date(2025, 3, 1)


def test_date_inputs_render_stored_values_as_iso():
    # The formats module puts ISO first, so even a widget without an explicit format shows the value.
    html = str(_Form(initial={"day": date(2029, 8, 16)})["day"])
    assert 'type="date"' in html and 'value="2029-08-16"' in html

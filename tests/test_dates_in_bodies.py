"""Dates and times clients send are read within 1900–2100 and answered with +08:00 (docs/api.md; issue 10
"datetimes outside 1900–2100 are a 400, times always render with +08:00": a 12345 ticket `received_at`
of year 299 was stored and answered as `0299-…+08:05:43`, the zone's local mean time)."""
import inspect

import pytest
from rest_framework import serializers

import checkcode.serializers
import guidance.serializers
import matters.serializers
import plans.serializers
import reports.serializers
import subjects.serializers
import supervision.serializers
from jiujiang_inspect.api import DateField, DateTimeField

pytestmark = pytest.mark.django_db

MODULES = [subjects.serializers, matters.serializers, plans.serializers, checkcode.serializers,
           guidance.serializers, supervision.serializers, reports.serializers]


def _serializer_classes():
    for module in MODULES:
        for _name, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, serializers.Serializer) and cls.__module__ == module.__name__:
                yield cls


def test_every_writable_date_or_time_field_of_every_serializer_is_bounded():
    unbounded, walked = [], 0
    for cls in _serializer_classes():
        try:
            fields = cls(context={"request": None}).fields
        except Exception as exc:  # a serializer that needs more context to build says so
            pytest.fail(f"{cls.__name__} cannot be built: {exc!r}")
        for name, field in fields.items():
            if field.read_only:
                continue
            if isinstance(field, serializers.DateTimeField):
                walked += 1
                if not isinstance(field, DateTimeField):
                    unbounded.append(f"{cls.__module__}.{cls.__name__}.{name}")
            elif isinstance(field, serializers.DateField):
                walked += 1
                if not isinstance(field, DateField):
                    unbounded.append(f"{cls.__module__}.{cls.__name__}.{name}")
    assert walked >= 10
    assert unbounded == []


@pytest.fixture
def hotline(api):
    from subjects.services import platform_client_create

    return api(secret=platform_client_create(name="12345", scopes=["read", "hotline:write"])[1])


def _ticket(received_at, n=1):
    return {"external_id": f"12345-{n}", "title": "反映检查过多", "content": "一周被检查三次",
            "received_at": received_at}


@pytest.mark.parametrize("value", ["0299-03-01T09:30:00+08:00", "1899-12-31T23:59:59+08:00",
                                   "2101-01-01T00:00:00+08:00", "9999-12-31T23:59:59Z"])
def test_a_time_outside_1900_to_2100_is_a_400_naming_the_field(hotline, value):
    res = hotline.post("/api/v1/hotline-tickets/", _ticket(value), format="json")
    assert res.status_code == 400, res.content
    assert res.json()["code"] == "invalid" and "received_at" in res.json()["detail"]
    assert "1900" in res.json()["detail"]["received_at"][0]


def test_a_time_in_range_is_answered_in_beijing_time(hotline):
    res = hotline.post("/api/v1/hotline-tickets/", _ticket("1900-01-01T00:00:00Z"), format="json")
    assert res.status_code == 201, res.content
    assert res.json()["received_at"] == "1900-01-01T08:00:00+08:00"
    res = hotline.post("/api/v1/hotline-tickets/", _ticket("2025-03-01T01:30:00Z", 2), format="json")
    assert res.json()["received_at"] == "2025-03-01T09:30:00+08:00"


@pytest.mark.parametrize("value", ["0001-01-01", "2101-01-01"])
def test_updated_since_outside_1900_to_2100_is_a_400(api, rita, value):
    res = api(rita).get("/api/v1/inspections/", {"updated_since": value})
    assert res.status_code == 400 and "updated_since" in res.json()["detail"]


@pytest.mark.parametrize("month", ["0000-01", "1899-12", "2101-01", "2025-13", "abc"])
def test_a_month_outside_1900_to_2100_is_a_400_on_summary_and_audit(api, rita, month):
    res = api(rita).get("/api/v1/triggered-filings/monthly-summary/", {"month": month})
    assert res.status_code == 400 and "month" in res.json()["detail"], res.content
    res = api(rita).post("/api/v1/job-runs/frequency-audit/", {"month": month}, format="json")
    assert res.status_code == 400 and "month" in res.json()["detail"], res.content


def test_a_typed_month_is_read_as_yyyy_mm(api, rita):
    res = api(rita).get("/api/v1/triggered-filings/monthly-summary/", {"month": "2025年3月"})
    assert res.status_code == 200 and res.json()["month"] == "2025-03"


def test_a_time_without_offset_is_beijing_time_even_in_the_summers_of_1986_to_1991(hotline):
    res = hotline.post("/api/v1/hotline-tickets/", _ticket("1988-07-01T12:00:00", 3), format="json")
    assert res.status_code == 201, res.content
    assert res.json()["received_at"] == "1988-07-01T12:00:00+08:00"

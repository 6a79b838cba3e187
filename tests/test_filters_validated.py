"""Every filter value is validated (issue 10 "every filter validates its range", issue 12 "Filters" and
case 11): a malformed or out-of-range value is a 400 naming the parameter on the API and a form error
on a page, never a 500 or a silently empty list; the unambiguous `2025-3` is read as `2025-03`."""
import django_filters
import pytest

import checkcode.filters
import guidance.filters
import matters.filters
import plans.filters
import subjects.filters
import supervision.filters
from jiujiang_inspect.filters import FilterSet
from plans.models import Town, TriggeredFiling
from plans.tests.factories import EnterpriseFactory, InspectionFactory, uscc_for

pytestmark = pytest.mark.django_db

APPS = ["subjects", "matters", "plans", "checkcode", "guidance", "supervision"]


def _all_filtersets():
    assert all([subjects.filters, matters.filters, plans.filters, checkcode.filters, guidance.filters,
                supervision.filters])
    seen, todo = set(), [django_filters.FilterSet]
    while todo:
        for sub in todo.pop().__subclasses__():
            if sub not in seen:
                seen.add(sub)
                todo.append(sub)
    return [cls for cls in seen if cls.__module__.split(".")[0] in APPS]


def test_every_filterset_of_the_project_validates_its_values():
    filtersets = _all_filtersets()
    assert len(filtersets) >= 20
    assert [c for c in filtersets if not issubclass(c, FilterSet)] == []


@pytest.mark.parametrize("value", ["0", "-1", "99999", "2025.5", "99999999999999999999999"])
def test_year_out_of_range_on_the_blocks_api_is_a_400_naming_year(api, rita, value):
    res = api(rita).get("/api/v1/blocks/", {"year": value})
    assert res.status_code == 400, res.content
    assert res.json()["code"] == "invalid" and "year" in res.json()["detail"]


def test_year_in_range_still_filters(api, rita):
    assert api(rita).get("/api/v1/blocks/", {"year": "2025"}).status_code == 200


@pytest.mark.parametrize("url", ["/supervision/blocks/", "/guidance/trainings/", "/guidance/recognitions/"])
def test_year_zero_on_the_list_pages_shows_the_page(client, rita, url):
    client.force_login(rita)
    res = client.get(url, {"year": "0"})
    assert res.status_code == 200


def test_month_is_normalised_and_a_bad_month_is_a_400(api, rita, agency_a):
    ent = EnterpriseFactory()
    insp = InspectionFactory(initiating_agency=agency_a, enterprise=ent, kind="triggered")
    TriggeredFiling.objects.create(inspection=insp, agency=agency_a, enterprise=ent, source="complaint",
                                   month="2025-03")
    padded = api(rita).get("/api/v1/triggered-filings/", {"month": "2025-03"}).json()["results"]
    short = api(rita).get("/api/v1/triggered-filings/", {"month": "2025-3"}).json()["results"]
    assert len(padded) == 1 and short == padded
    for bad in ("2025-13", "March", "0000-01", "2025-3-1"):
        res = api(rita).get("/api/v1/triggered-filings/", {"month": bad})
        assert res.status_code == 400 and "month" in res.json()["detail"], (bad, res.content)


def test_enterprises_filter_by_uscc_exactly_and_town_by_its_chinese_name(api, rita):
    first = EnterpriseFactory(uscc=uscc_for(1), town=Town.WANLI)
    wanted = EnterpriseFactory(uscc=uscc_for(2), town=Town.SIHESHAN)
    res = api(rita).get("/api/v1/enterprises/", {"uscc": wanted.uscc.lower()})
    assert [e["uscc"] for e in res.json()["results"]] == [wanted.uscc]
    assert first.uscc != wanted.uscc
    by_name = api(rita).get("/api/v1/enterprises/", {"town": "四褐山街道"})
    assert by_name.status_code == 200 and [e["uscc"] for e in by_name.json()["results"]] == [wanted.uscc]
    assert api(rita).get("/api/v1/enterprises/", {"town": "火星街道"}).status_code == 400

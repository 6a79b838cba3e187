"""分析研判 drills down to the list behind each figure (issue 15): the inspections figure, each month bar,
each agency bar and each source slice open a list holding exactly what was counted; the 镇（街道） table
agrees with the inspection rows."""
import html
import json
import re
from datetime import date
from urllib.parse import parse_qs, urlsplit

import pytest
from django.http import QueryDict

from plans.filters import InspectionFilterSet, TriggeredFilingFilterSet
from plans.models import Inspection, TriggeredFiling
from plans.selectors.counting import happened

from .factories import EnterpriseFactory, InspectionFactory

pytestmark = pytest.mark.django_db


def _list_count(url, filterset, queryset):
    parts = urlsplit(html.unescape(url))
    params = QueryDict(parts.query)
    f = filterset(params, queryset=queryset)
    assert f.is_valid(), f.errors
    return f.qs.count()


@pytest.fixture
def history(agency_a, agency_b):
    a = EnterpriseFactory(town="wanli")
    b = EnterpriseFactory(town="erba")
    InspectionFactory(enterprise=a, initiating_agency=agency_a, agencies=[agency_a, agency_b], date=date(2025, 3, 4),
                      outcome="rectification")
    InspectionFactory(enterprise=a, initiating_agency=agency_a, date=date(2025, 3, 20), outcome="no_issue")
    InspectionFactory(enterprise=b, initiating_agency=agency_b, kind="triggered", date=date(2025, 5, 2))
    InspectionFactory(enterprise=b, initiating_agency=agency_a, date=date(2025, 6, 9), status="draft")
    InspectionFactory(enterprise=b, initiating_agency=agency_a, date=date(2025, 6, 9), status="cancelled")
    InspectionFactory(enterprise=a, initiating_agency=agency_a, date=date(2025, 7, 1), status="approved")  # to come
    InspectionFactory(enterprise=a, initiating_agency=agency_a, date=date(2024, 3, 9))


def test_each_figure_and_chart_element_opens_exactly_what_it_counts(client, rita, agency_a, history):
    client.force_login(rita)
    page = client.get("/supervision/dashboard/?year=2025").content.decode()
    figure = re.search(r'href="([^"]+)" data-figure="inspections">(\d+)<', page)
    assert figure, "the inspections figure links to its list"
    url, shown = figure.group(1), int(figure.group(2))
    assert shown == 3 == _list_count(url, InspectionFilterSet, Inspection.objects.all())
    chart = json.loads(re.search(r'<script id="chart-data" type="application/json">(.*?)</script>', page, re.S).group(1))
    for total, link in zip(chart["total"], chart["month_links"], strict=True):
        assert _list_count(link, InspectionFilterSet, Inspection.objects.all()) == total
    assert chart["total"][2] == 2  # March
    assert chart["total"][6] == 0  # July: approved, its code not issued yet — it has not happened
    for total, link in zip(chart["agency_total"], chart["agency_links"], strict=True):
        assert _list_count(link, InspectionFilterSet, Inspection.objects.all()) == total
    for slice_, link in zip(chart["sources"], chart["source_links"], strict=True):
        assert _list_count(link, TriggeredFilingFilterSet, TriggeredFiling.objects.all()) == slice_["value"]
    assert parse_qs(urlsplit(chart["month_links"][2]).query)["date_to"] == ["2025-03-31"]


def test_the_town_table_agrees_with_the_inspection_rows(client, rita, history):
    client.force_login(rita)
    page = client.get("/supervision/dashboard/?year=2025").content.decode()
    rows = dict(re.findall(r'<tr data-town="(\w+)"><td><a [^>]+>[^<]+</a></td><td>(\d+)</td>', page))
    raw = {t: happened().filter(date__year=2025, enterprise__town=t).count() for t in rows}
    assert rows == {t: str(n) for t, n in raw.items()} and rows["wanli"] == "2" and rows["erba"] == "1"
    assert len(rows) == 9  # every town of 鸠江区, zero rows included
    narrowed = client.get("/supervision/dashboard/?year=2025&town=wanli").content.decode()
    assert re.findall(r'<tr data-town="(\w+)">', narrowed) == ["wanli"]


def test_the_dashboard_loads_only_the_charts_it_draws(client, rita):
    """Issue 15: the full ECharts build was 1 MB of JavaScript; the dashboard now loads a build with only
    its bar, line and pie charts (tools/echarts/). Every script it loads, added up, stays below 700 KB."""
    from django.contrib.staticfiles import finders

    client.force_login(rita)
    page = client.get("/supervision/dashboard/").content.decode()
    scripts = re.findall(r'<script src="/static/([^"]+)"', page)
    assert "vendor/echarts/echarts.custom.min.js" in scripts and "vendor/echarts/echarts.min.js" not in scripts
    total = 0
    for path in scripts:
        found = finders.find(path)
        assert found, path
        with open(found, "rb") as fh:
            total += len(fh.read())
    assert total < 700_000, f"{total} bytes of JavaScript"


def test_a_visit_coded_ahead_counts_from_its_day_on(client, rita, agency_a):
    """A code issued today for tomorrow's visit: the visit has not happened, the dashboard does not count
    it; tomorrow the rollups add it up although no row changed."""
    from datetime import datetime, time, timedelta

    import time_machine
    from django.utils import timezone

    from supervision.services.rollups import rollup_refresh

    today = timezone.localdate()
    start = timezone.make_aware(datetime.combine(today, time(9)))
    with time_machine.travel(start, tick=False):
        InspectionFactory(initiating_agency=agency_a, date=today)
        InspectionFactory(initiating_agency=agency_a, date=today + timedelta(days=1))  # code issued ahead
        rollup_refresh()
        client.force_login(rita)
        page = client.get(f"/supervision/dashboard/?year={today.year}").content.decode()
        assert re.search(r'data-figure="inspections">1<', page)
    with time_machine.travel(start + timedelta(days=1), tick=False):
        tomorrow = (start + timedelta(days=1)).date()
        client.force_login(rita)
        page = client.get(f"/supervision/dashboard/?year={tomorrow.year}").content.decode()
        expected = 2 if tomorrow.year == today.year else 1
        assert re.search(rf'data-figure="inspections">{expected}<', page)


def test_the_list_a_chart_opens_says_what_it_is_filtered_by(client, rita, agency_a, history):
    client.force_login(rita)
    page = client.get(f"/plans/inspections/?happened=true&agency={agency_a.code}&year=2025").content.decode()
    chips = page.split('data-testid="filter-chips"')[1].split("</p>")[0]
    assert "参与单位代码：" + (agency_a.short_name or agency_a.name) in chips and "年度：2025年" in chips
    assert "已实施" in chips and "清除全部" in chips
    assert f'<input type="hidden" name="agency" value="{agency_a.code}">' in page  # kept when the bar is used

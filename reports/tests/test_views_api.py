"""Report pages and API: reviewers only (platform reads), 202 on creation, exports."""
import io
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from guidance.tests.factories import EnterpriseFactory, TypicalCaseFactory, inspection_with
from reports import services
from reports.models import Report

pytestmark = pytest.mark.django_db


@pytest.fixture
def done_report(rita, agency_a, django_capture_on_commit_callbacks):
    inspection_with(enterprise=EnterpriseFactory(), parts=[(agency_a, [])], date_=date(2025, 2, 1), status="closed")
    with django_capture_on_commit_callbacks(execute=True):
        report = services.report_request(by=rita, period_start=date(2025, 1, 1), period_end=date(2025, 3, 31),
                                         typical_cases=[TypicalCaseFactory(title="联合检查典型做法")])
    report.refresh_from_db()
    return report


def test_report_page_prints_exports_and_regenerates(client, rita, done_report, django_capture_on_commit_callbacks):
    client.force_login(rita)
    body = client.get(f"/reports/{done_report.pk}/").content.decode()
    assert "关键指标" in body and "联合检查典型做法" in body and "打印" in body and "鸠江区市场监督管理局" in body
    wb = load_workbook(io.BytesIO(client.get(f"/reports/{done_report.pk}/?export=xlsx").content))
    assert wb.sheetnames == ["关键指标", "分单位", "触发式备案来源", "监督案件", "典型案例"]
    assert wb["关键指标"]["B2"].value == 1
    doc = client.get(f"/reports/{done_report.pk}/?export=doc")
    assert doc["Content-Type"].startswith("application/msword") and "关键指标" in doc.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post(f"/reports/{done_report.pk}/", {"action": "regenerate"})
    new = Report.objects.get(version=2)
    assert r.url == f"/reports/{new.pk}/"


def test_request_form_creates_a_report_and_progress_is_shown_until_done(client, rita):
    client.force_login(rita)
    r = client.post("/reports/", {"period_start": "2025-01-01", "period_end": "2025-03-31"})
    report = Report.objects.get()
    assert r.url == f"/reports/{report.pk}/"
    # on_commit callbacks did not run: the job is still queued and the page shows its progress
    body = client.get(r.url).content.decode()
    assert "正在后台生成" in body and "hx-get" in body
    assert client.get(r.url + "?poll=1").status_code == 204


def test_reports_pages_are_for_reviewers(client, anna, alice):
    for user in (anna, alice):
        client.force_login(user)
        assert client.get("/reports/").status_code == 403


def test_api_create_returns_202_and_platform_reads(api, rita, anna, platform_secret, done_report,
                                                   django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        r = api(rita).post("/api/v1/reports/", {"period_start": "2025-04-01", "period_end": "2025-06-30"},
                           format="json")
    assert r.status_code == 202 and r.json()["version"] == 1
    detail = api(rita).get(f"/api/v1/reports/{r.json()['id']}/").json()
    assert detail["status"] == "done" and detail["progress"] == 100 and "key" in detail["figures"]
    assert api(anna).get("/api/v1/reports/").status_code == 403
    listing = api(secret=platform_secret).get("/api/v1/reports/")
    assert listing.status_code == 200 and "figures" not in listing.json()["results"][0]
    assert api(secret=platform_secret).post("/api/v1/reports/", {}, format="json").status_code == 403
    bad = api(rita).post("/api/v1/reports/", {"period_start": "2025-06-30", "period_end": "2025-01-01"}, format="json")
    assert bad.status_code == 400 and "period_end" in bad.json()["detail"]
    x = api(rita).get(f"/api/v1/reports/{done_report.pk}/xlsx/")
    assert x.status_code == 200 and x["Content-Type"].startswith("application/vnd.openxmlformats")


def test_report_list_query_count_does_not_grow(api, client, rita, django_capture_on_commit_callbacks):
    def make(n):
        for i in range(n):
            with django_capture_on_commit_callbacks(execute=True):
                services.report_request(by=rita, period_start=date(2024, 1, 1 + i), period_end=date(2024, 12, 31))
    make(2)
    client.force_login(rita)
    c = api(rita)
    c.get("/api/v1/reports/")
    with CaptureQueriesContext(connection) as few_api:
        c.get("/api/v1/reports/")
    with CaptureQueriesContext(connection) as few_page:
        client.get("/reports/")
    make(6)
    with CaptureQueriesContext(connection) as many_api:
        assert len(c.get("/api/v1/reports/").json()["results"]) == 8
    with CaptureQueriesContext(connection) as many_page:
        client.get("/reports/")
    assert len(many_api) == len(few_api) and len(many_page) == len(few_page)

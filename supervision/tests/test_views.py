"""supervision pages: what a reviewer, an agency admin and an enterprise see and can do."""
from datetime import date, timedelta
from io import BytesIO

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from jiujiang_inspect.models import Alert
from plans.models import Block, MonthlyFilingSummary
from subjects.models import Agency
from subjects.tests.factories import AgencyFactory
from supervision.models import HotlineTicket, JobRun, SupervisionCase, Survey, SurveyResponse
from supervision.services.rollups import rollup_refresh

from .factories import (
    AlertFactory,
    BlockFactory,
    CaseFactory,
    EnterpriseFactory,
    HotlineTicketFactory,
    InspectionFactory,
    RecognitionFactory,
    ResultFactory,
    SurveyFactory,
)

pytestmark = pytest.mark.django_db

DASHBOARD_QUERIES = 24  # + the 镇（街道） table: its figures and its enterprises
DASHBOARD_QUERIES_WARM = 20  # the rollups unchanged since the last read: their reads come from the cache


def login(client, user):
    client.force_login(user)
    return client


def seed_year(agency_a, agency_b, n):
    for i in range(n):
        ent = EnterpriseFactory()
        InspectionFactory(enterprise=ent, initiating_agency=agency_a, agencies=[agency_a, agency_b],
                          date=date(2025, 1 + i % 12, 5), outcome="no_issue")
        InspectionFactory(enterprise=ent, initiating_agency=agency_b, kind="triggered", date=date(2025, 2, 3))
        AlertFactory(agency=agency_a)
        CaseFactory(agency=agency_b)


def test_dashboard_shows_figures_with_links_and_constant_queries(client, rita, agency_a, agency_b):
    login(client, rita)
    seed_year(agency_a, agency_b, 2)
    client.get("/supervision/dashboard/?year=2025")
    with CaptureQueriesContext(connection) as small:
        r = client.get("/supervision/dashboard/?year=2025")
    assert r.status_code == 200
    html = r.content.decode()
    assert 'data-figure="inspections">4<' in html and 'data-figure="avoided">2 次<' in html
    assert 'data-figure="avoided_recognition">0 次<' in html and 'data-figure="avoided_total">2 次<' in html
    assert "/supervision/alerts/?status=open" in html and "echarts.custom.min.js" in html and "langZH.js" in html
    seed_year(agency_a, agency_b, 10)
    rollup_refresh()  # what beat does every minute (a read right after writes refreshes them itself)
    with CaptureQueriesContext(connection) as large:
        r = client.get("/supervision/dashboard/?year=2025")
    assert 'data-figure="inspections">24<' in r.content.decode()  # the refreshed rollups, not a cached answer
    with CaptureQueriesContext(connection) as warm:
        r = client.get("/supervision/dashboard/?year=2025")
    assert 'data-figure="inspections">24<' in r.content.decode()
    # Pinned (issue 13): session and user, the rollups' freshness check and reads, the other figures;
    # the rollups' reads are cached under their version, so a page whose rollups have not moved since
    # the last read skips them.
    assert len(large) == DASHBOARD_QUERIES
    assert len(small) == len(warm) == DASHBOARD_QUERIES_WARM


def test_dashboard_counts_recognitions_as_avoided_and_lists_every_agency_sortably(client, rita, agency_a, agency_b):
    """GIVEN 16 more agencies than A and B, one joint visit and one 结果互认 by B WHEN rita opens the dashboard
    THEN avoided shows joining 1 + recognition 1 = 2; the chart keeps the top 15 with a note; the table
    lists all 18 and sorts by any column (both directions)."""
    year = timezone.localdate().year
    ent = EnterpriseFactory()
    InspectionFactory(enterprise=ent, initiating_agency=agency_a, agencies=[agency_a, agency_b], date=date(year, 1, 5))
    doc = InspectionFactory(enterprise=ent, initiating_agency=agency_a, mode="document", date=date(year, 1, 6))
    RecognitionFactory(result=ResultFactory(inspection=doc), agency=agency_b)
    others = [AgencyFactory(code=f"Z{i:02d}", name=f"鸠江区测试单位{i:02d}") for i in range(16)]
    for i, agency in enumerate(others[:3]):
        for _ in range(i + 1):
            InspectionFactory(initiating_agency=agency, date=date(year, 2, 1))
    login(client, rita)
    r = client.get(f"/supervision/dashboard/?year={year}")
    html = r.content.decode()
    assert 'data-figure="avoided">1 次<' in html and 'data-figure="avoided_recognition">1 次<' in html
    assert 'data-figure="avoided_total">2 次<' in html
    n = Agency.objects.filter(is_active=True).count()  # A, B, the 16 and the personas' own
    assert n >= 18 and len(r.context["chart"]["agencies"]) == 15 and len(r.context["agency_rows"]) == n
    assert 'data-testid="chart-agency-note"' in html and f"全部 {n} 个单位" in html
    codes = [row["agency__code"] for row in r.context["agency_rows"]]
    assert codes[0] == "Z02" and set(codes[1:3]) == {"SCJG", "Z01"}  # 3, 2, 2 inspections
    r = client.get(f"/supervision/dashboard/?year={year}&sort=-recognitions")
    assert r.context["agency_rows"][0]["agency__code"] == "YJGL" and 'aria-sort="descending"' in r.content.decode()
    r = client.get(f"/supervision/dashboard/?year={year}&sort=agency")
    codes = [row["agency__code"] for row in r.context["agency_rows"]]
    assert codes == sorted(codes) and "sort=-agency" in r.content.decode()
    r = client.get(f"/supervision/dashboard/?year={year}&sort=total")
    assert [row["total"] for row in r.context["agency_rows"]][-1] == 3
    r = client.get(f"/supervision/dashboard/?year={year}&sort=problem_rate")
    assert r.status_code == 200 and len(r.context["agency_rows"]) == n
    xlsx = load_workbook(BytesIO(client.get(f"/supervision/dashboard/?year={year}&export=xlsx").content))
    overview_rows = {row[0].value: row[1].value for row in xlsx["总览"].iter_rows(min_row=2)}
    assert overview_rows["结果互认减少入企（次）"] == 1 and overview_rows["合计减少入企（次）"] == 2
    assert xlsx["按单位"].max_row == n + 1


def test_agency_admin_sees_only_own_agency_and_inspector_is_refused(client, anna, alice, agency_a, agency_b):
    seed_year(agency_a, agency_b, 1)
    InspectionFactory(initiating_agency=agency_b, date=date(2025, 6, 1))
    r = login(client, anna).get("/supervision/dashboard/?year=2025&agency=YJGL")
    assert r.status_code == 200 and "（本单位）" in r.content.decode()
    assert r.context["o"]["inspections"]["total"] == 1  # A's joint visit only
    assert login(client, alice).get("/supervision/dashboard/").status_code == 403


def test_dashboard_exports_excel(client, rita, agency_a, agency_b):
    seed_year(agency_a, agency_b, 1)
    r = login(client, rita).get("/supervision/dashboard/?year=2025&export=xlsx")
    assert r.status_code == 200 and r["Content-Type"].startswith("application/vnd.openxmlformats")
    wb = load_workbook(BytesIO(r.content))
    assert wb.sheetnames == ["总览", "按月", "按单位"]
    assert [c.value for c in wb["总览"][4]][:2] == ["检查总数", 2]


def test_alert_list_actions_and_open_case(client, rita, agency_a):
    a1, a2 = AlertFactory(agency=agency_a, title="过频预警甲"), AlertFactory(agency=agency_a, title="过频预警乙")
    login(client, rita)
    r = client.get("/supervision/alerts/")
    assert "过频预警甲" in r.content.decode()
    client.post(f"/supervision/alerts/{a1.pk}/action/", {"action": "acknowledged"})
    assert Alert.objects.get(pk=a1.pk).status == "acknowledged"
    r = client.post(f"/supervision/alerts/{a1.pk}/action/", {"action": "resolved"}, follow=True)
    assert "处理预警须填写处理说明" in r.content.decode()
    r = client.post(f"/supervision/alerts/{a2.pk}/action/", {"action": "open_case"})
    case = SupervisionCase.objects.get()
    assert r.url == f"/supervision/cases/{case.pk}/" and case.source == "audit"
    assert Alert.objects.get(pk=a2.pk).status == "resolved"


def test_block_list_override_form(client, rita, anna):
    block = BlockFactory()
    login(client, rita)
    assert block.enterprise.name in client.get("/supervision/blocks/").content.decode()
    r = client.post(f"/supervision/blocks/{block.pk}/override/", {"reason": ""}, follow=True)
    assert "必须说明理由" in r.content.decode()
    client.post(f"/supervision/blocks/{block.pk}/override/", {"reason": "经核实为同一事项"})
    assert Block.objects.get(pk=block.pk).status == "overridden"
    assert login(client, anna).get("/supervision/blocks/").status_code == 403


def test_list_pages_query_counts_do_not_grow(client, rita, agency_a):
    login(client, rita)
    urls = ["/supervision/alerts/", "/supervision/blocks/", "/supervision/cases/", "/supervision/hotline/",
            "/supervision/jobs/"]

    def counts():
        out = []
        for u in urls:
            with CaptureQueriesContext(connection) as ctx:
                assert client.get(u).status_code == 200
            out.append(len(ctx))
        return out

    def add(n):
        AlertFactory.create_batch(n, agency=agency_a)
        BlockFactory.create_batch(n, agency=agency_a)
        CaseFactory.create_batch(n, agency=agency_a)
        HotlineTicketFactory.create_batch(n, agency=agency_a)

    add(2)
    small = counts()
    add(10)
    assert counts() == small


def test_case_detail_records_measures_in_order_and_closes(client, rita, agency_a):
    case = CaseFactory(agency=agency_a)
    login(client, rita)
    today = timezone.localdate()
    client.post(f"/supervision/cases/{case.pk}/", {"kind": "interview", "date": today, "document": "约谈通知书"})
    r = client.post(f"/supervision/cases/{case.pk}/", {"kind": "correction", "date": today})
    assert "逐级采取" in r.content.decode() and case.measures.count() == 1
    client.post(f"/supervision/cases/{case.pk}/", {"action": "close", "outcome": "已整改"})
    case.refresh_from_db()
    assert case.status == "closed"
    html = client.get(f"/supervision/cases/{case.pk}/").content.decode()
    assert "监督案件 采取监督措施" in html and "监督案件 办结" in html and "公开约谈" in html


def test_hotline_triage_into_case_or_close(client, rita, agency_a):
    t1, t2 = HotlineTicketFactory(agency=agency_a), HotlineTicketFactory()
    login(client, rita)
    r = client.post(f"/supervision/hotline/{t1.pk}/", {"agency": agency_a.pk,
                                                         "deadline": timezone.localdate() + timedelta(days=15)})
    case = SupervisionCase.objects.get()
    assert r.url == f"/supervision/cases/{case.pk}/" and case.hotline_ticket == t1 and case.source == "hotline"
    r = client.post(f"/supervision/hotline/{t2.pk}/", {"action": "close", "reason": ""})
    assert "请修改" in r.content.decode()
    client.post(f"/supervision/hotline/{t2.pk}/", {"action": "close", "reason": "企业撤诉"})
    assert HotlineTicket.objects.get(pk=t2.pk).status == "closed"


def _xlsx(rows):
    wb = Workbook()
    ws = wb.active
    ws.append(["工单编号", "标题", "内容", "受理时间", "涉及单位代码（选填）"])
    for r in rows:
        ws.append(r)
    buf = BytesIO()
    wb.save(buf)
    buf.seek(0)
    buf.name = "tickets.xlsx"
    return buf


def test_hotline_excel_upload_is_all_or_nothing_and_idempotent(client, rita, agency_a,
                                                               django_capture_on_commit_callbacks):
    login(client, rita)

    def upload(rows):
        with django_capture_on_commit_callbacks(execute=True):
            r = client.post("/supervision/hotline/import/", {"file": _xlsx(rows)})
        return client.get(r.url).content.decode()

    html = upload([["A-1", "标题", "内容", "2025-03-01 09:30", "SCJG"], ["A-2", "", "内容", "not a date", "NOPE"]])
    assert HotlineTicket.objects.count() == 0 and "受理时间" in html and "涉及单位代码" in html
    good = [["A-1", "标题", "内容", "2025-03-01 09:30", "SCJG"], ["A-2", "标题2", "内容2", "2025-03-02 10:00", ""]]
    upload(good)
    html = upload(good)
    assert HotlineTicket.objects.count() == 2 and "已存在" in html


def test_reviewer_runs_audit_from_page_and_sees_progress(client, rita, agency_a, django_capture_on_commit_callbacks):
    ent = EnterpriseFactory(pool="whitelist")
    InspectionFactory(enterprise=ent, initiating_agency=agency_a, date=date(2025, 2, 3))
    login(client, rita)
    assert client.post("/supervision/jobs/", {"month": "2025-2"}).status_code == 200  # form error shown
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/supervision/jobs/", {"month": "2025-02"})
    run = JobRun.objects.get(period="2025-02")
    assert run.status == "succeeded"
    html = client.get("/supervision/jobs/").content.decode()
    assert "2025-02" in html and "成功" in html
    frag = client.get(f"/supervision/jobs/{run.pk}/", HTTP_HX_REQUEST="true").content.decode()
    assert "100%" in frag and "hx-trigger" not in frag and "达到年度上限的企业" in frag


def test_agency_admin_confirms_own_filing_summary_on_page(client, anna, bert, agency_a, agency_b):
    s = MonthlyFilingSummary.objects.create(agency=agency_a, month="2025-03", total=2,
                                            counts_by_source={"complaint": 2})
    MonthlyFilingSummary.objects.create(agency=agency_b, month="2025-03", total=1)
    html = login(client, anna).get("/supervision/filing-summaries/").content.decode()
    assert "投诉举报 2" in html and html.count("确认汇总") == 1
    client.post(f"/supervision/filing-summaries/{s.pk}/confirm/")
    s.refresh_from_db()
    assert s.confirmed_by == anna
    assert login(client, bert).post(f"/supervision/filing-summaries/{s.pk}/confirm/").status_code == 404


def test_survey_created_opened_and_answered_with_uscc_as_proof(client, rita, agency_a, agency_b):
    """GIVEN an enterprise inspected by A in the period
    WHEN the reviewer creates and opens a survey and the enterprise answers on the public page
    THEN only A is offered, a wrong uscc is refused, a second answer is refused, results show A."""
    ent = EnterpriseFactory()
    InspectionFactory(enterprise=ent, initiating_agency=agency_a, date=date(2025, 5, 5))
    login(client, rita)
    r = client.post("/supervision/surveys/", {"title": "2025年满意度测评", "period_start": "2025-01-01",
                                              "period_end": "2025-12-31", "questions": "是否事先告知\n是否文明执法"})
    survey = Survey.objects.get()
    client.post(f"/supervision/surveys/{survey.pk}/status/", {"status": "open"})
    client.logout()
    public = f"/supervision/s/{survey.pk}/"
    assert "统一社会信用代码" in client.get(public).content.decode()
    r = client.post(public, {"uscc": "9" * 18})
    assert "统一社会信用代码不正确" in r.content.decode()
    r = client.post(public, {"uscc": ent.uscc})
    assert agency_a.name in r.content.decode() and agency_b.name not in r.content.decode()
    client.post(public, {"uscc": ent.uscc, "agency": "SCJG", "q1": "5", "q2": "4"})
    r = client.post(public, {"uscc": ent.uscc, "agency": "SCJG", "q1": "1", "q2": "1"})
    assert "已对该单位提交过测评" in r.content.decode()
    assert SurveyResponse.objects.get().score == 4.5
    login(client, rita)
    html = client.get(f"/supervision/surveys/{survey.pk}/").content.decode()
    assert "4.50" in html or "4.5" in html


def test_public_survey_of_a_draft_is_not_found(client):
    survey = SurveyFactory(status="draft")
    assert client.get(f"/supervision/s/{survey.pk}/").status_code == 404


def test_home_panels_count_what_needs_doing_today(rita, anna, agency_a):
    from supervision.home_panels import agency_admin_supervision_panel, reviewer_supervision_panel

    AlertFactory(agency=agency_a, severity="block")
    BlockFactory()
    HotlineTicketFactory()
    CaseFactory(agency=agency_a)
    MonthlyFilingSummary.objects.create(agency=agency_a, month="2025-03")
    p = reviewer_supervision_panel(user=rita)
    assert p["alerts"]["block"] == 1 and p["blocks_open"] == 1 and p["tickets_new"] == 1 and len(p["cases_due"]) == 1
    a = agency_admin_supervision_panel(user=anna)
    assert len(a["summaries_to_confirm"]) == 1 and a["alerts_open"] == 1


def test_admin_changelists_render_read_only(admin_client):
    CaseFactory()
    for model in ("jobrun", "hotlineticket", "supervisioncase", "survey", "surveyresponse"):
        assert admin_client.get(f"/admin/supervision/{model}/").status_code == 200


def test_dashboard_answers_with_its_cache_down(client, rita, agency_a, agency_b, monkeypatch):
    """The rollup reads are cached in Redis (issue 13); Redis down costs speed, not the page."""
    from redis.exceptions import ConnectionError as RedisConnectionError

    from supervision.selectors import stats

    def down(*args, **kwargs):
        raise RedisConnectionError("Redis is down")

    monkeypatch.setattr(stats.cache, "get", down)
    monkeypatch.setattr(stats.cache, "set", down)
    login(client, rita)
    seed_year(agency_a, agency_b, 2)
    r = client.get("/supervision/dashboard/?year=2025")
    assert r.status_code == 200 and 'data-figure="inspections">4<' in r.content.decode()

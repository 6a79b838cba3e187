"""supervision API: who may do what, the error contract, idempotency, pinned query counts."""
from datetime import UTC, date, datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from jiujiang_inspect.models import Alert
from plans.models import Block
from plans.selectors.blocks import blocks_applying_to
from supervision.models import HotlineTicket, SupervisionCase

from .factories import (
    AlertFactory,
    BlockFactory,
    CaseFactory,
    EnterpriseFactory,
    InspectionFactory,
    RecognitionFactory,
    ResultFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def hotline_secret(db):
    from subjects.services import platform_client_create

    return platform_client_create(name="zhihuidu-hotline", scopes=["read", "hotline:write", "cases:write"])[1]


def test_alerts_list_for_reviewer_and_platform_with_filters_not_for_agency_staff(api, rita, anna, platform_secret,
                                                                                agency_a):
    AlertFactory(kind="audit.triggered_monthly", severity="warning", agency=agency_a)
    AlertFactory(kind="block.yearly_cap", severity="block")
    r = api(rita).get("/api/v1/alerts/?severity=block")
    assert r.status_code == 200 and [a["kind"] for a in r.json()["results"]] == ["block.yearly_cap"]
    assert len(api(secret=platform_secret).get("/api/v1/alerts/").json()["results"]) == 2
    assert api(secret=platform_secret).get("/api/v1/alerts/?updated_since=2000-01-01T00:00:00+08:00").status_code == 200
    assert api(secret=platform_secret).get("/api/v1/alerts/?updated_since=garbage").json()["code"] == "invalid"
    assert api(anna).get("/api/v1/alerts/").status_code == 403


def test_reviewer_acknowledges_then_resolves_alert_with_note(api, rita, platform_secret):
    alert = AlertFactory()
    r = api(rita).patch(f"/api/v1/alerts/{alert.pk}/", {"status": "acknowledged"}, format="json")
    assert r.status_code == 200 and r.json()["status"] == "acknowledged" and r.json()["handled_by"]
    r = api(rita).patch(f"/api/v1/alerts/{alert.pk}/", {"status": "resolved"}, format="json")
    assert r.status_code == 400 and "note" in r.json()["detail"]
    r = api(rita).patch(f"/api/v1/alerts/{alert.pk}/", {"status": "resolved", "note": "已约谈"}, format="json")
    assert r.status_code == 200 and r.json()["handling_note"] == "已约谈"
    r = api(rita).patch(f"/api/v1/alerts/{alert.pk}/", {"status": "acknowledged"}, format="json")
    assert r.status_code == 409 and r.json()["code"] == "invalid_state"
    assert api(secret=platform_secret).patch(f"/api/v1/alerts/{alert.pk}/", {"status": "resolved"},
                                             format="json").status_code == 403


def test_alert_list_query_count_does_not_grow(api, rita, agency_a):
    client = api(rita)
    client.get("/api/v1/alerts/")  # the token's first use writes last_used_at once
    AlertFactory.create_batch(2, agency=agency_a)
    with CaptureQueriesContext(connection) as small:
        client.get("/api/v1/alerts/")
    AlertFactory.create_batch(20, agency=agency_a)
    with CaptureQueriesContext(connection) as large:
        client.get("/api/v1/alerts/")
    assert len(small) == len(large)


def test_block_list_for_reviewer_and_platform_read_with_filters_and_cursor_pages(api, rita, anna, platform_secret,
                                                                                 agency_a, agency_b):
    """GIVEN blocks of several rules, agencies and enterprises WHEN rita or 智慧督 (scope read) list them
    THEN each filter narrows the list, pages follow a cursor without repeats, and agency staff or a
    platform token without `read` are refused."""
    from subjects.services import platform_client_create

    ent = EnterpriseFactory()
    cap = BlockFactory(enterprise=ent, rule="yearly_cap")
    mine = BlockFactory(rule="triggered_frequency", agency=agency_a)
    lifted = BlockFactory(rule="manual", agency=agency_b, status="overridden", override_reason="误报")
    r = api(rita).get("/api/v1/blocks/")
    assert r.status_code == 200 and [b["id"] for b in r.json()["results"]] == [lifted.pk, mine.pk, cap.pk]
    assert r.json()["results"][2] == {**r.json()["results"][2], "enterprise": ent.uscc, "agency": None,
                                      "rule": "yearly_cap", "status": "active", "inspector": None}
    platform = api(secret=platform_secret)

    def ids(query):
        resp = platform.get(f"/api/v1/blocks/?{query}")
        assert resp.status_code == 200, resp.content
        return [b["id"] for b in resp.json()["results"]]

    assert ids("status=active") == [mine.pk, cap.pk]
    assert ids("rule=yearly_cap") == [cap.pk]
    assert ids(f"enterprise={ent.uscc}") == [cap.pk]
    assert ids("agency=SCJG") == [mine.pk]
    Block.objects.filter(pk=cap.pk).update(updated_at="2020-01-01T00:00:00+08:00")
    assert ids("updated_since=2024-01-01T00:00:00%2B08:00") == [lifted.pk, mine.pk]
    first = platform.get("/api/v1/blocks/?page_size=2").json()
    second = platform.get(first["next"]).json()
    assert [b["id"] for b in first["results"] + second["results"]] == [lifted.pk, mine.pk, cap.pk]
    assert second["next"] is None and first["previous"] is None
    assert platform.get("/api/v1/blocks/?status=gone").json()["code"] == "invalid"
    assert platform.get("/api/v1/blocks/?updated_since=garbage").status_code == 400
    assert platform.get(f"/api/v1/blocks/{mine.pk}/").json()["agency"] == "SCJG"
    assert platform.post(f"/api/v1/blocks/{mine.pk}/override/", {"reason": "x"}, format="json").status_code == 403
    assert api(anna).get("/api/v1/blocks/").status_code == 403
    hotline_only = platform_client_create(name="hotline-only", scopes=["hotline:write"])[1]
    assert api(secret=hotline_only).get("/api/v1/blocks/").status_code == 403
    assert api().get("/api/v1/blocks/").status_code == 401


def test_block_list_query_count_does_not_grow(api, rita, agency_a):
    client = api(rita)
    client.get("/api/v1/blocks/")  # the token's first use writes last_used_at once
    BlockFactory.create_batch(2, agency=agency_a)
    with CaptureQueriesContext(connection) as small:
        r = client.get("/api/v1/blocks/")
    BlockFactory.create_batch(20, agency=agency_a)
    with CaptureQueriesContext(connection) as large:
        client.get("/api/v1/blocks/")
    assert len(r.json()["results"]) == 2 and len(small) == len(large)


def test_block_override_lifts_block_until_then_issuance_stopped(api, rita, anna, agency_a):
    """GIVEN an active block on an enterprise THEN it applies to agency A's request;
    WHEN a reviewer overrides it with a reason THEN it no longer applies (the gate reads this)."""
    block = BlockFactory()
    ent = block.enterprise
    assert blocks_applying_to(enterprise=ent, agencies=[agency_a]).count() == 1
    assert api(anna).post(f"/api/v1/blocks/{block.pk}/override/", {"reason": "x"}, format="json").status_code == 403
    r = api(rita).post(f"/api/v1/blocks/{block.pk}/override/", {}, format="json")
    assert r.status_code == 400 and "reason" in r.json()["detail"]
    r = api(rita).post(f"/api/v1/blocks/{block.pk}/override/", {"reason": "经核实属误报"}, format="json")
    assert r.status_code == 200 and r.json()["status"] == "overridden"
    assert blocks_applying_to(enterprise=ent, agencies=[agency_a]).count() == 0
    assert api(rita).post(f"/api/v1/blocks/{block.pk}/override/", {"reason": "再次"},
                          format="json").json()["code"] == "invalid_state"
    assert api(rita).post("/api/v1/blocks/999999/override/", {"reason": "x"}, format="json").status_code == 404


TICKET = {"external_id": "12345-20250301-0001", "title": "反映检查过多", "content": "一周被检查三次",
          "received_at": "2025-03-01T09:30:00+08:00", "enterprise": "", "agency": "SCJG"}


def test_hotline_ticket_post_is_idempotent_on_external_id(api, hotline_secret, platform_secret, agency_a):
    r = api(secret=hotline_secret).post("/api/v1/hotline-tickets/", TICKET, format="json")
    assert r.status_code == 201, r.json()
    again = api(secret=hotline_secret).post("/api/v1/hotline-tickets/", {**TICKET, "title": "改了"}, format="json")
    assert again.status_code == 200 and again.json()["id"] == r.json()["id"] and again.json()["title"] == "反映检查过多"
    assert HotlineTicket.objects.count() == 1
    assert api(secret=platform_secret).post("/api/v1/hotline-tickets/", TICKET, format="json").status_code == 403
    assert api(secret=platform_secret).get("/api/v1/hotline-tickets/").status_code == 200
    bad = api(secret=hotline_secret).post("/api/v1/hotline-tickets/", {**TICKET, "external_id": "x", "title": "x" * 201},
                                         format="json")
    assert bad.status_code == 400 and "title" in bad.json()["detail"]


def test_cases_api_create_measures_in_order_and_close(api, rita, agency_a, hotline_secret):
    r = api(rita).post("/api/v1/supervision-cases/", {"title": "多头重复检查", "problem": "同一企业一月内被检查5次",
                                                     "agency": "SCJG", "deadline": "2025-04-30"}, format="json")
    assert r.status_code == 201, r.json()
    pk = r.json()["id"]
    assert r.json()["source"] == "audit"
    ok = api(rita).post(f"/api/v1/supervision-cases/{pk}/measures/", {
        "kind": "interview", "date": "2025-04-01", "deadline": "2025-04-15", "document": "鸠司约〔2025〕3号"},
        format="json")
    assert ok.status_code == 201
    back = api(rita).post(f"/api/v1/supervision-cases/{pk}/measures/", {"kind": "correction", "date": "2025-04-02"},
                          format="json")
    assert back.status_code == 409 and back.json()["code"] == "measure_out_of_order"
    r = api(rita).patch(f"/api/v1/supervision-cases/{pk}/", {"status": "closed", "outcome": "已整改到位"}, format="json")
    assert r.status_code == 200 and r.json()["status"] == "closed" and len(r.json()["measures"]) == 1
    from jiujiang_inspect.audit import audit_history

    assert {e.action for e in audit_history(SupervisionCase.objects.get(pk=pk))} >= {
        "case.created", "case.measure_added", "case.closed"}


def test_platform_creates_case_idempotently_with_cases_scope_only(api, hotline_secret, platform_secret, agency_a):
    body = {"title": "智慧督推送", "problem": "未亮码检查", "agency": "SCJG", "external_id": "ZHD-001"}
    r = api(secret=hotline_secret).post("/api/v1/supervision-cases/", body, format="json")
    assert r.status_code == 201 and r.json()["source"] == "platform"
    again = api(secret=hotline_secret).post("/api/v1/supervision-cases/", body, format="json")
    assert again.status_code == 200 and again.json()["id"] == r.json()["id"]
    assert api(secret=platform_secret).post("/api/v1/supervision-cases/", body, format="json").status_code == 403


def test_case_list_query_count_does_not_grow(api, rita, agency_a):
    client = api(rita)
    client.get("/api/v1/supervision-cases/")
    CaseFactory.create_batch(2, agency=agency_a)
    with CaptureQueriesContext(connection) as small:
        client.get("/api/v1/supervision-cases/")
    CaseFactory.create_batch(15, agency=agency_a)
    with CaptureQueriesContext(connection) as large:
        client.get("/api/v1/supervision-cases/")
    assert len(small) == len(large)


def test_filing_summaries_scoped_and_confirmed_by_own_admin(api, anna, bert, rita, agency_a, agency_b):
    from supervision.services.audit import frequency_audit_run

    ent = EnterpriseFactory()
    InspectionFactory(enterprise=ent, initiating_agency=agency_a, kind="triggered", date=date(2025, 3, 3))
    InspectionFactory(enterprise=ent, initiating_agency=agency_b, kind="triggered", date=date(2025, 3, 4))
    frequency_audit_run(month="2025-03")
    mine = api(anna).get("/api/v1/filing-summaries/?month=2025-03").json()["results"]
    assert [s["agency"] for s in mine] == ["SCJG"]
    assert len(api(rita).get("/api/v1/filing-summaries/").json()["results"]) == 2
    pk = mine[0]["id"]
    r = api(anna).post(f"/api/v1/filing-summaries/{pk}/confirm/")
    assert r.status_code == 200 and r.json()["confirmed_by"]
    assert api(bert).post(f"/api/v1/filing-summaries/{pk}/confirm/").status_code == 404
    assert api(rita).post(f"/api/v1/filing-summaries/{pk}/confirm/").status_code == 403


def test_reviewer_queues_audit_and_lists_job_runs(api, rita, anna, agency_a, django_capture_on_commit_callbacks):
    ent = EnterpriseFactory(pool="whitelist")
    InspectionFactory(enterprise=ent, initiating_agency=agency_a, date=date(2025, 2, 3))
    InspectionFactory(enterprise=ent, initiating_agency=agency_a, date=date(2025, 2, 4))  # above the cap of 1
    with django_capture_on_commit_callbacks(execute=True):
        r = api(rita).post("/api/v1/job-runs/frequency-audit/", {"month": "2025-02"}, format="json")
    assert r.status_code == 202
    runs = api(rita).get("/api/v1/job-runs/").json()["results"]
    assert runs[0]["period"] == "2025-02" and runs[0]["status"] == "succeeded"
    assert Block.objects.filter(enterprise=ent, status="active").exists()
    # the unambiguous "2025-2" reads as 2025-02 (docs/api.md "Filter rules"); a month 13 is a 400
    again = api(rita).post("/api/v1/job-runs/frequency-audit/", {"month": "2025-2"}, format="json")
    assert again.status_code == 202 and again.json()["month"] == "2025-02"
    assert api(rita).post("/api/v1/job-runs/frequency-audit/", {"month": "2025-13"}, format="json").status_code == 400
    assert api(anna).get("/api/v1/job-runs/").status_code == 403


def test_stats_overview_api_matches_selector_and_scopes_agency_admin(api, rita, anna, platform_secret, agency_a,
                                                                      agency_b):
    InspectionFactory(initiating_agency=agency_a, date=date(2025, 3, 3))
    done = InspectionFactory(initiating_agency=agency_b, date=date(2025, 3, 4))
    RecognitionFactory(result=ResultFactory(inspection=done), agency=agency_a,
                       created_at=datetime(2025, 3, 20, 2, tzinfo=UTC))
    r = api(rita).get("/api/v1/stats/overview/?year=2025")
    assert r.status_code == 200 and r.json()["inspections"]["total"] == 2
    i = r.json()["inspections"]
    assert (i["avoided_by_joining"], i["avoided_by_recognition"], i["avoided_total"]) == (0, 1, 1)
    assert {a["agency__code"]: a["recognitions"] for a in r.json()["per_agency"]}["SCJG"] == 1
    assert api(secret=platform_secret).get("/api/v1/stats/overview/?year=2025").json()["inspections"]["total"] == 2
    assert api(anna).get("/api/v1/stats/overview/?year=2025&agency=YJGL").json()["inspections"]["total"] == 1
    assert api(rita).get("/api/v1/stats/overview/?year=2025&agency=YJGL").json()["inspections"]["total"] == 1
    bad = api(rita).get("/api/v1/stats/overview/?year=abc")
    assert bad.status_code == 400 and bad.json()["code"] == "invalid"
    assert Alert.objects.count() == 0

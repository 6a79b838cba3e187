"""/api/v1/inspections/ and /api/v1/triggered-filings/: shapes, errors, scoping, query counts."""
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from plans.models import GateRefusal, Inspection

from .factories import EnterpriseFactory, MatterFactory, admin_of, make_inspection, special_plan_for, team

pytestmark = pytest.mark.django_db


def _payload(agency, **kw):
    people = team(agency)
    day = date.today() + timedelta(days=2)
    return {"enterprise": kw.pop("uscc", None) or EnterpriseFactory().uscc, "kind": "special", "mode": "onsite",
            "date": str(day), "plan": special_plan_for(agency=agency, day=day).pk,
            "participations": [{"agency": agency.code, "inspectors": [p.pk for p in people],
                                "matters": [MatterFactory(agency=agency).code]}],
            "advance_notice": {"notified_at": "2025-03-01T09:00:00+08:00", "method": "电话", "content": "检查安排"},
            **kw}


def test_create_approve_and_read_back(api, alice, anna, agency_a):
    res = api(alice).post("/api/v1/inspections/", _payload(agency_a), format="json")
    assert res.status_code == 201, res.json()
    body = res.json()
    assert body["status"] == "draft" and body["participations"][0]["agency"] == "SCJG"
    assert body["advance_notice"]["method"] == "电话"
    res = api(anna).post(f"/api/v1/inspections/{body['id']}/approve/")
    assert res.status_code == 200 and res.json()["status"] == "approved"


def test_malformed_draft_is_400_with_field_detail(api, alice, agency_a):
    res = api(alice).post("/api/v1/inspections/", _payload(agency_a, kind="nonsense", uscc="NOPE"), format="json")
    assert res.status_code == 400
    assert {"kind", "enterprise"} <= set(res.json()["detail"])
    long = _payload(agency_a, special_approval_ref="x" * 101)
    assert api(alice).post("/api/v1/inspections/", long, format="json").status_code == 400


def test_approve_refusal_is_409_with_first_rule_and_all_listed(api, alice, anna, agency_a):
    payload = _payload(agency_a)
    payload["participations"][0]["inspectors"] = payload["participations"][0]["inspectors"][:1]
    payload.pop("advance_notice")
    insp_id = api(alice).post("/api/v1/inspections/", payload, format="json").json()["id"]
    res = api(anna).post(f"/api/v1/inspections/{insp_id}/approve/")
    assert res.status_code == 409
    body = res.json()
    assert body["code"] == "too_few_inspectors"
    assert [e["code"] for e in body["detail"]["errors"]] == ["too_few_inspectors", "advance_notice_missing"]
    assert GateRefusal.objects.filter(inspection_id=insp_id, code="too_few_inspectors").exists()


def test_agency_b_sees_nothing_of_agency_a(api, bob, agency_a):
    insp = make_inspection(agency=agency_a)
    assert api(bob).get("/api/v1/inspections/").json()["results"] == []
    assert api(bob).get(f"/api/v1/inspections/{insp.pk}/").status_code == 404
    assert api(bob).patch(f"/api/v1/inspections/{insp.pk}/", {"onsite_justification": "x"},
                          format="json").status_code == 404


def test_platform_reads_with_updated_since(api, platform_secret, agency_a):
    make_inspection(agency=agency_a)
    res = api(secret=platform_secret).get("/api/v1/inspections/?updated_since=2000-01-01T00:00:00+08:00")
    assert res.status_code == 200 and len(res.json()["results"]) == 1
    assert api(secret=platform_secret).post("/api/v1/inspections/", {}, format="json").status_code == 403


def test_list_query_count_does_not_grow_with_rows(api, rita, agency_a, agency_b):
    client = api(rita)
    make_inspection(agency=agency_a, extra_agencies=[agency_b])
    client.get("/api/v1/inspections/")
    with CaptureQueriesContext(connection) as few:
        client.get("/api/v1/inspections/")
    for _ in range(6):
        make_inspection(agency=agency_a, extra_agencies=[agency_b])
    with CaptureQueriesContext(connection) as many:
        res = client.get("/api/v1/inspections/")
    assert len(res.json()["results"]) == 7
    assert len(many) == len(few)


def test_joint_matches_and_merge_over_the_api(api, bob, agency_a, agency_b):
    ent = EnterpriseFactory()
    theirs = make_inspection(agency=agency_a, enterprise=ent)
    mine = make_inspection(agency=agency_b, enterprise=ent)
    matches = api(bob).get(f"/api/v1/inspections/{mine.pk}/joint-matches/").json()
    assert [m["id"] for m in matches] == [theirs.pk]
    res = api(bob).post(f"/api/v1/inspections/{mine.pk}/merge/", {"target": theirs.pk}, format="json")
    assert res.status_code == 201, res.json()
    assert res.json()["status"] == "pending" and Inspection.objects.get(pk=mine.pk).status == "draft"
    res = api(admin_of(agency_a)).post(f"/api/v1/joint-proposals/{res.json()['id']}/accept/", {}, format="json")
    assert res.status_code == 200 and res.json()["status"] == "accepted"
    assert Inspection.objects.get(pk=mine.pk).status == "merged"


def test_triggered_filings_and_monthly_summary(api, alice, bob, rita, platform_secret, agency_a, agency_b):
    from plans.services.triggered_filings import triggered_filing_record

    make_inspection(agency=agency_a, kind="triggered", day=date(2025, 4, 8))  # a draft: never filed
    for agency, source, day in [(agency_a, "complaint", 9), (agency_a, "referral", 9), (agency_b, "data_monitoring", 10)]:
        insp = make_inspection(agency=agency, kind="triggered", day=date(2025, 4, day), status="code_issued",
                               trigger_source=source)
        triggered_filing_record(inspection=insp)  # what issuing its code does
    res = api(secret=platform_secret).get("/api/v1/triggered-filings/?month=2025-04&agency=SCJG&source=complaint")
    assert res.status_code == 200 and len(res.json()["results"]) == 1
    summary = api(secret=platform_secret).get("/api/v1/triggered-filings/monthly-summary/?month=2025-04").json()
    by_agency = {r["agency"]: r for r in summary["results"]}
    assert by_agency["SCJG"]["counts_by_source"] == {"complaint": 1, "referral": 1}
    assert by_agency["YJGL"]["total"] == 1
    assert [r["agency"] for r in api(bob).get(
        "/api/v1/triggered-filings/monthly-summary/?month=2025-04").json()["results"]] == ["YJGL"]
    assert api(rita).get("/api/v1/triggered-filings/monthly-summary/?month=2025-13").status_code == 400

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from jiujiang_inspect.models import AuditEntry
from plans.models import AnnualPlan, Block, Pool
from plans.tests.factories import (
    AnnualPlanFactory,
    EnterpriseFactory,
    InspectionFactory,
    bad_checksum,
    uscc_for,
)

pytestmark = pytest.mark.django_db
YEAR = date.today().year


def _body(**kw):
    return {"uscc": uscc_for(42), "name": "芜湖市鸠江区味道餐饮店", "town": "wanli", "size": "micro",
            "credit_class": "A", "joins_joint": True} | kw


def test_create_enterprise_errors_use_the_agreed_codes(api, anna, rita):
    r = api(anna).post("/api/v1/enterprises/", _body(uscc="91340207ABC"), format="json")
    assert r.status_code == 400 and r.json()["code"] == "invalid_uscc" and "uscc" in r.json()["detail"]
    bad = bad_checksum(uscc_for(42))
    r = api(anna).post("/api/v1/enterprises/", _body(uscc=bad), format="json")
    assert r.status_code == 400 and r.json()["code"] == "uscc_checksum_mismatch"
    r = api(anna).post("/api/v1/enterprises/", _body(uscc=bad, accept_checksum_warning=True), format="json")
    assert r.status_code == 400 and r.json()["code"] == "uscc_checksum_mismatch"
    r = api(rita).post("/api/v1/enterprises/", _body(uscc=bad, accept_checksum_warning=True), format="json")
    assert r.status_code == 201 and r.json()["checksum_warning_accepted"] is True
    assert "accept_checksum_warning" not in r.json() and r.json()["pool"] == "joint"
    r = api(anna).post("/api/v1/enterprises/", _body(name="x" * 201, uscc=uscc_for(43)), format="json")
    assert r.status_code == 400 and "name" in r.json()["detail"]


def test_get_and_patch_enterprise_by_uscc(api, anna, alice):
    e = EnterpriseFactory()
    r = api(alice).get(f"/api/v1/enterprises/{e.uscc}/")
    assert r.status_code == 200 and r.json()["uscc"] == e.uscc
    assert api(alice).patch(f"/api/v1/enterprises/{e.uscc}/", {"name": "改名"}, format="json").status_code == 403
    r = api(anna).patch(f"/api/v1/enterprises/{e.uscc}/", {"credit_class": "C", "reason": "信用评级下调"},
                        format="json")
    assert r.status_code == 200 and r.json()["credit_class"] == "C"
    assert AuditEntry.objects.get(action="enterprise.updated").changes == {"credit_class": ["B", "C"]}
    assert api(alice).get("/api/v1/enterprises/91340207NOPE00000X/").status_code == 404


def test_enterprise_filters(api, alice):
    EnterpriseFactory(name="芜湖鸠江区老王餐饮店", town="erba", credit_class="A")
    EnterpriseFactory(name="芜湖鸠江化工有限公司", town="wanli", credit_class="D", pool=Pool.KEY)
    client = api(alice)
    names = lambda q: [e["name"] for e in client.get("/api/v1/enterprises/?" + q).json()["results"]]  # noqa: E731
    assert names("town=erba") == ["芜湖鸠江区老王餐饮店"]
    assert names("pool=key") == ["芜湖鸠江化工有限公司"]
    assert names("credit_class=A&q=餐饮") == ["芜湖鸠江区老王餐饮店"]
    assert len(names("updated_since=2000-01-01T00:00:00%2B08:00")) == 2


def test_enterprise_list_query_count_does_not_grow(api, rita):
    client = api(rita)
    EnterpriseFactory.create_batch(2)
    client.get("/api/v1/enterprises/")
    with CaptureQueriesContext(connection) as few:
        assert client.get("/api/v1/enterprises/").status_code == 200
    EnterpriseFactory.create_batch(15)
    with CaptureQueriesContext(connection) as many:
        assert len(client.get("/api/v1/enterprises/").json()["results"]) == 17
    assert len(many) == len(few)


def test_pool_move_endpoint_is_reviewer_only_and_validates(api, rita, anna):
    e = EnterpriseFactory()
    url = f"/api/v1/enterprises/{e.uscc}/pool/"
    assert api(anna).post(url, {"pool": "key", "reason": "x"}, format="json").status_code == 403
    r = api(rita).post(url, {"pool": "nowhere", "reason": "x"}, format="json")
    assert r.status_code == 400 and "pool" in r.json()["detail"]
    r = api(rita).post(url, {"pool": "key", "reason": "安全生产重大隐患"}, format="json")
    assert r.status_code == 200 and r.json()["pool"] == "key"
    e2 = EnterpriseFactory(joins_joint=False, pool=Pool.NON_JOINT)
    r = api(rita).post(f"/api/v1/enterprises/{e2.uscc}/pool/", {"pool": "joint", "reason": "x"}, format="json")
    assert r.status_code == 409 and r.json()["code"] == "enterprise_not_joint"


def test_quota_endpoint_for_staff_and_platform(api, alice, platform_secret, rita):
    e = EnterpriseFactory()
    InspectionFactory(enterprise=e)
    Block.objects.create(enterprise=e, rule=Block.Rule.MANUAL, reason="专项整治期间暂停", starts_on=date.today())
    for client in (api(alice), api(secret=platform_secret)):
        r = client.get(f"/api/v1/enterprises/{e.uscc}/quota/?year={YEAR}")
        assert r.status_code == 200
        body = r.json()
        assert {k: body[k] for k in ("year", "pool", "yearly_cap", "used", "remaining", "blocked")} == {
            "year": YEAR, "pool": "joint", "yearly_cap": 2, "used": 1, "remaining": 1, "blocked": True}
        assert body["blocks"][0]["rule"] == "manual"
    assert api(alice).get(f"/api/v1/enterprises/{e.uscc}/quota/?year=abc").status_code == 400
    assert api().get(f"/api/v1/enterprises/{e.uscc}/quota/").status_code == 401
    assert api(secret=platform_secret).post("/api/v1/enterprises/", _body(), format="json").status_code == 403


def test_cap_policies_read_and_reviewer_patch(api, alice, rita, platform_secret):
    r = api(secret=platform_secret).get("/api/v1/cap-policies/")
    assert r.status_code == 200
    assert {c["pool"]: c["yearly_onsite_cap"] for c in r.json()["caps"]} == {
        "joint": 2, "whitelist": 1, "key": 6, "non_joint": 2}
    assert r.json()["frequency"]["per_agency_yearly_cap"] == 2
    assert api(alice).patch("/api/v1/cap-policies/", {"caps": {"key": 5}}, format="json").status_code == 403
    r = api(rita).patch("/api/v1/cap-policies/", {"caps": {"key": 5}, "frequency": {"triggered_block_per_month": 3},
                                                  "reason": "年度调整"}, format="json")
    assert r.status_code == 200
    assert {c["pool"]: c["yearly_onsite_cap"] for c in r.json()["caps"]}["key"] == 5
    assert r.json()["frequency"]["triggered_block_per_month"] == 3
    assert AuditEntry.objects.filter(action__in=["cap_policy.updated", "frequency_policy.updated"]).count() == 2
    r = api(rita).patch("/api/v1/cap-policies/", {"frequency": {"per_agency_yearly_cap": "many"}}, format="json")
    assert r.status_code == 400


def test_plan_api_full_lifecycle_with_draw_and_submit_warnings(api, anna, rita, agency_b, platform_secret):
    """GIVEN a joint pool of 12 enterprises, one of them whitelisted and already in another plan
    WHEN agency A creates a plan (with the whitelisted firm by hand), draws 4 with a seed, submits, and
    the reviewer files it and A publishes it
    THEN every step answers with the plan, submit carries the warnings, and the platform then sees it."""
    for i in range(12):
        EnterpriseFactory(credit_class="ABCD"[i % 4])
    white = EnterpriseFactory(pool=Pool.WHITELIST)
    AnnualPlanFactory(lead_agency=agency_b, targets=[white])
    a = api(anna)
    r = a.post("/api/v1/plans/", {"year": YEAR, "title": "餐饮行业综合查一次", "member_agencies": ["YJGL"],
                                  "months": [f"{YEAR}-04", f"{YEAR}-05"], "enterprises": [white.uscc]}, format="json")
    assert r.status_code == 201, r.json()
    plan = r.json()
    assert plan["lead_agency"] == "SCJG" and plan["status"] == "draft" and plan["enterprises"] == [white.uscc]
    r = a.post(f"/api/v1/plans/{plan['id']}/draw/", {"seed": "2025-jj", "count": 4}, format="json")
    assert r.status_code == 200 and r.json()["seed"] == "2025-jj" and len(r.json()["enterprises"]) == 5
    assert api(secret=platform_secret).get(f"/api/v1/plans/{plan['id']}/").status_code == 404  # draft: not for 智慧督
    r = a.post(f"/api/v1/plans/{plan['id']}/submit/")
    assert r.status_code == 200 and r.json()["status"] == "submitted"
    assert "plan_whitelist_planned_elsewhere" in {w["code"] for w in r.json()["warnings"]}
    assert a.post(f"/api/v1/plans/{plan['id']}/file/").status_code == 403
    r = api(rita).post(f"/api/v1/plans/{plan['id']}/file/")
    assert r.status_code == 200 and r.json()["status"] == "filed"
    r = a.post(f"/api/v1/plans/{plan['id']}/publish/")
    assert r.status_code == 200 and r.json()["status"] == "published"
    r = api(secret=platform_secret).get(f"/api/v1/plans/?year={YEAR}&status=published")
    assert [p["id"] for p in r.json()["results"]] == [plan["id"]]
    r = a.patch(f"/api/v1/plans/{plan['id']}/", {"months": [f"{YEAR}-06"]}, format="json")
    assert r.status_code == 200 and r.json()["status"] == "draft" and r.json()["version"] == 2


def test_plan_actions_refuse_wrong_state_and_return_needs_reason(api, anna, rita, agency_b):
    plan = AnnualPlanFactory(lead_agency=anna.agency, targets=[EnterpriseFactory()])
    r = api(rita).post(f"/api/v1/plans/{plan.pk}/file/")
    assert r.status_code == 409 and r.json()["code"] == "invalid_state"
    api(anna).post(f"/api/v1/plans/{plan.pk}/submit/")
    r = api(rita).post(f"/api/v1/plans/{plan.pk}/return/", {}, format="json")
    assert r.status_code == 400 and "reason" in r.json()["detail"]
    r = api(rita).post(f"/api/v1/plans/{plan.pk}/return/", {"reason": "月份安排过于集中"}, format="json")
    assert r.status_code == 200 and r.json()["status"] == "returned" and r.json()["status_reason"]


def test_plan_scoping(api, anna, bert, bob, rita, platform_secret, agency_a, agency_b, justice_bureau):
    mine = AnnualPlanFactory(lead_agency=agency_a)
    member = AnnualPlanFactory(lead_agency=justice_bureau)
    member.member_agencies.add(agency_b)
    published = AnnualPlanFactory(lead_agency=agency_a, status=AnnualPlan.Status.PUBLISHED)
    filed = AnnualPlanFactory(lead_agency=agency_a, status=AnnualPlan.Status.FILED)
    ids = lambda client: sorted(p["id"] for p in client.get("/api/v1/plans/").json()["results"])  # noqa: E731
    assert ids(api(bob)) == sorted([member.pk, published.pk])
    assert ids(api(bert)) == sorted([member.pk, published.pk])
    assert ids(api(anna)) == sorted([mine.pk, published.pk, filed.pk])
    assert ids(api(rita)) == sorted([mine.pk, member.pk, published.pk, filed.pk])
    assert ids(api(secret=platform_secret)) == sorted([published.pk, filed.pk])
    assert api(bert).get(f"/api/v1/plans/{mine.pk}/").status_code == 404
    assert api(bert).post(f"/api/v1/plans/{member.pk}/submit/").status_code == 403


def test_plan_filters_and_updated_since(api, rita, agency_a, agency_b):
    AnnualPlanFactory(lead_agency=agency_a, year=YEAR - 1)
    p = AnnualPlanFactory(lead_agency=agency_b, year=YEAR, status=AnnualPlan.Status.FILED)
    client = api(rita)
    assert [x["id"] for x in client.get(f"/api/v1/plans/?year={YEAR}&agency=YJGL&status=filed").json()["results"]] == [p.pk]
    assert client.get("/api/v1/plans/?updated_since=2100-01-01T00:00:00%2B08:00").json()["results"] == []


def test_plan_list_query_count_does_not_grow(api, rita, agency_a, agency_b):
    client = api(rita)
    AnnualPlanFactory(lead_agency=agency_a, targets=EnterpriseFactory.create_batch(2))
    client.get("/api/v1/plans/")
    with CaptureQueriesContext(connection) as few:
        client.get("/api/v1/plans/")
    for _i in range(6):
        plan = AnnualPlanFactory(lead_agency=agency_b, targets=EnterpriseFactory.create_batch(3))
        plan.member_agencies.add(agency_a)
    with CaptureQueriesContext(connection) as many:
        assert len(client.get("/api/v1/plans/").json()["results"]) == 7
    assert len(many) == len(few)


def test_an_enterprise_town_may_be_written_as_its_chinese_name(api, rita):
    """Issue 12 "Filters" / docs/api.md: other systems send 四褐山街道, not `sihe_shan`."""
    from plans.tests.factories import uscc_for

    client = api(rita)
    res = client.post("/api/v1/enterprises/", {"uscc": uscc_for(901), "name": "芜湖某某有限公司",
                                                "town": "四褐山街道"}, format="json")
    assert res.status_code == 201, res.content
    assert res.json()["town"] == "sihe_shan"
    res = client.patch(f"/api/v1/enterprises/{uscc_for(901)}/", {"town": " 裕溪口街道 "}, format="json")
    assert res.status_code == 200 and res.json()["town"] == "yuxikou"
    res = client.patch(f"/api/v1/enterprises/{uscc_for(901)}/", {"town": "上海市"}, format="json")
    assert res.status_code == 400 and "town" in res.json()["detail"]

"""The REST contract 智慧督 builds on (docs/api.md): one test per resource row, plus the
conventions every endpoint keeps (error shape, +08:00 times, cursor pages capped at 200,
`updated_since`, names ≤ 200 characters, never a 500 for anything a client can send)."""
from datetime import date, timedelta

import pytest
from django.urls import get_resolver
from django.utils import timezone

from jiujiang_inspect.models import Alert
from plans.models import CapPolicy, TriggeredFiling
from plans.tests.factories import (
    EnterpriseFactory,
    MatterFactory,
    NegativeItemFactory,
    bad_checksum,
    make_inspection,
    special_plan_for,
    team,
    uscc_for,
)
from subjects.services import platform_client_create
from supervision.tests.factories import (
    AlertFactory,
    BlockFactory,
    CaseFactory,
    HotlineTicketFactory,
    InspectionFactory,
    PlanFactory,
)

pytestmark = pytest.mark.django_db

ERROR_KEYS = {"code", "message", "detail"}


def _err(res, status, code=None):
    assert res.status_code == status, (res.status_code, res.content[:500])
    body = res.json()
    assert set(body) == ERROR_KEYS, body
    if code:
        assert body["code"] == code, body
    return body


def _local(value: str):
    assert value.endswith("+08:00"), value
    return value


def _platform(*scopes):
    return platform_client_create(name=f"zhihuidu-{'-'.join(scopes)}", scopes=list(scopes))[1]


def _age(model, days=10, **filters):
    """Push rows' updated_at into the past (bypassing auto_now) so `updated_since` can tell them apart."""
    model.objects.filter(**filters).update(updated_at=timezone.now() - timedelta(days=days))


def _since(days=1):
    return (timezone.localtime() - timedelta(days=days)).isoformat().replace("+", "%2B")


# --- Conventions --------------------------------------------------------------------------------


def test_auth_token_for_staff_with_local_expiry(api, alice):
    res = api().post("/api/v1/auth/token/", {"username": "alice", "password": "Passw0rd!jj"}, format="json")
    assert res.status_code == 201 and set(res.json()) == {"token", "expires_at"}
    _local(res.json()["expires_at"])
    me = api(secret=res.json()["token"]).get("/api/v1/inspections/")
    assert me.status_code == 200
    _err(api().post("/api/v1/auth/token/", {"username": "alice", "password": "wrong"}, format="json"), 400,
         "invalid_credentials")
    _err(api().post("/api/v1/auth/token/", "{oops", content_type="application/json"), 400)
    _err(api().get("/api/v1/inspections/"), 401, "not_authenticated")
    _err(api(secret="jj_dead_beef").get("/api/v1/inspections/"), 401)


def test_cursor_pages_are_capped_at_200_and_link_both_ways(api, rita):
    Alert.objects.bulk_create([Alert(kind="audit.test", title=f"预警{i}") for i in range(230)])
    client = api(rita)
    first = client.get("/api/v1/alerts/?page_size=1000").json()
    assert set(first) >= {"results", "next", "previous"}
    assert len(first["results"]) == 200 and first["previous"] is None and first["next"]
    second = client.get(first["next"]).json()
    assert len(second["results"]) == 30 and second["next"] is None and second["previous"]
    ids = [a["id"] for a in first["results"] + second["results"]]
    assert ids == sorted(ids, reverse=True) and len(set(ids)) == 230  # stable, no duplicates or gaps
    _err(client.get("/api/v1/alerts/?page_size=abc"), 400, "invalid")
    _err(client.get("/api/v1/alerts/?cursor=garbage"), 400, "invalid")


def _list_paths():
    paths = []

    def walk(patterns, prefix=""):
        for p in patterns:
            if hasattr(p, "url_patterns"):
                walk(p.url_patterns, prefix + str(p.pattern))
            elif (p.name or "").endswith("-list") or p.name == "api_checkcode_list":
                paths.append("/" + (prefix + str(p.pattern)).replace("^", "").replace("$", ""))

    walk(get_resolver().url_patterns)
    return sorted(p for p in paths if p.startswith("/api/v1/"))


@pytest.mark.parametrize("query", ["updated_since=garbage", "updated_since=2025-13-45T25:61:00",
                                   "page_size=abc", "page_size=-5", "cursor=garbage", "month=2025-99&year=abc",
                                   "status=nonsense&date_from=yesterday&is_active=maybe"])
def test_no_list_answers_500_to_garbage_query(api, rita, alice, query):
    # One row in the synced lists so the filters really run.
    AlertFactory()
    CaseFactory()
    BlockFactory()
    paths = _list_paths()
    assert len(paths) >= 20
    for user in (rita, alice):
        client = api(user)
        client.raise_request_exception = False
        for path in paths:
            res = client.get(f"{path}?{query}")
            assert res.status_code < 500, (path, query, res.status_code)
            if res.status_code >= 400:
                assert set(res.json()) == ERROR_KEYS, (path, res.json())
    bad = api(rita).get("/api/v1/inspections/?updated_since=garbage")
    assert "updated_since" in _err(bad, 400, "invalid")["detail"]


def test_garbage_bodies_are_4xx_with_the_error_shape(api, alice, anna, rita, agency_a):
    insp = make_inspection(agency=agency_a)
    plan = PlanFactory(lead_agency=agency_a, status="draft")
    case = CaseFactory(agency=agency_a)
    writes = [(anna, "post", "/api/v1/inspections/"), (anna, "patch", f"/api/v1/inspections/{insp.pk}/"),
              (rita, "post", f"/api/v1/plans/{plan.pk}/file/"), (rita, "post", f"/api/v1/plans/{plan.pk}/draw/"),
              (rita, "post", "/api/v1/enterprises/"), (rita, "post", "/api/v1/agencies/"),
              (rita, "post", "/api/v1/supervision-cases/"), (rita, "patch", f"/api/v1/supervision-cases/{case.pk}/"),
              (rita, "post", f"/api/v1/supervision-cases/{case.pk}/measures/"), (rita, "patch", "/api/v1/cap-policies/"),
              (alice, "post", f"/api/v1/inspections/{insp.pk}/result/"), (rita, "post", "/api/v1/legal-bases/"),
              (None, "post", "/api/v1/check-codes/NOPE/evaluation/")]
    bodies = ["{not json", "[1, 2]", '"text"', "42", '{"date": "2025-02-30", "kind": ["x"], "rating": "five", '
              '"participations": "all", "year": "MMXXV", "months": ["2025-13"], "deadline": 7, "caps": [1]}']
    for user, method, path in writes:
        client = api(user)
        client.raise_request_exception = False
        for body in bodies:
            res = getattr(client, method)(path, body, content_type="application/json")
            assert 400 <= res.status_code < 500, (path, body, res.status_code)
            assert set(res.json()) == ERROR_KEYS


def test_names_over_200_characters_are_400_with_field_detail(api, rita, anna, agency_a):
    long = "鸠" * 201
    for user, path, payload in [
        (rita, "/api/v1/agencies/", {"code": "NEW1", "name": long, "kind": "statutory"}),
        (rita, "/api/v1/enterprises/", {"uscc": uscc_for(77), "name": long, "town": "wanli"}),
        (anna, "/api/v1/matters/", {"code": "MX1", "name": long, "legal_bases": []}),
        (anna, "/api/v1/plans/", {"year": 2025, "title": long}),
    ]:
        body = _err(api(user).post(path, payload, format="json"), 400, "invalid")
        assert "name" in body["detail"] or "title" in body["detail"], (path, body)
    hotline = _platform("hotline:write")
    res = api(secret=hotline).post("/api/v1/hotline-tickets/", {
        "external_id": "12345-X", "title": long, "content": "x" * 10001, "received_at": "2025-03-01T09:00:00+08:00"},
        format="json")
    assert {"title", "content"} <= set(_err(res, 400)["detail"])


# --- Subjects -----------------------------------------------------------------------------------


def test_users_reviewer_creates_accounts_with_role_and_agency(api, rita, anna, agency_a):
    res = api(rita).post("/api/v1/users/", {"username": "zhou", "password": "Passw0rd!x1", "role": "inspector",
                                            "agency": "SCJG"}, format="json")
    assert res.status_code == 201, res.json()
    body = res.json()
    assert {"username", "role", "agency", "is_active"} <= set(body) and "password" not in body
    assert body["agency"] == "SCJG" and body["role"] == "inspector"
    patched = api(rita).patch(f"/api/v1/users/{body['id']}/", {"is_active": False}, format="json")
    assert patched.status_code == 200 and patched.json()["is_active"] is False
    _err(api(rita).post("/api/v1/users/", {"username": "p", "password": "Passw0rd!x1", "role": "platform"},
                        format="json"), 400)
    _err(api(rita).post("/api/v1/users/", {"username": "q", "password": "x", "role": "king"}, format="json"), 400)
    _err(api(anna).get("/api/v1/users/"), 403, "permission_denied")


def test_agencies_read_by_staff_written_by_reviewer(api, rita, alice, agency_a):
    res = api(alice).get("/api/v1/agencies/SCJG/")
    assert res.status_code == 200
    assert {"code", "name", "kind", "entrusting_agency", "uscc", "power_basis", "is_active"} <= set(res.json())
    _err(api(alice).post("/api/v1/agencies/", {"code": "X", "name": "某局", "kind": "statutory"}, format="json"), 403)
    res = api(rita).post("/api/v1/agencies/", {"code": "WT1", "name": "鸠江区某受委托组织", "kind": "entrusted",
                                               "entrusting_agency": "SCJG"}, format="json")
    assert res.status_code == 201 and res.json()["entrusting_agency"] == "SCJG"
    assert api(rita).patch("/api/v1/agencies/WT1/", {"is_active": False}, format="json").json()["is_active"] is False
    _err(api(rita).post("/api/v1/agencies/", {"code": "Y", "name": "某局", "kind": "magic"}, format="json"), 400)
    _err(api(alice).get("/api/v1/agencies/NOPE/"), 404, "not_found")


def test_inspectors_own_agency_only_and_id_numbers_never_returned(api, anna, bert, rita, agency_a, agency_b):
    mine = team(agency_a, 1)[0]
    team(agency_b, 1)
    res = api(anna).get("/api/v1/inspectors/")
    rows = res.json()["results"]
    assert rows and {r["agency"] for r in rows} == {"SCJG"}
    row = next(r for r in rows if r["id"] == mine.pk)
    assert {"certificate_number", "certificate_valid_until", "certificate_status", "certificate_state",
            "is_helper"} <= set(row)
    assert "id_number" not in row and "phone" not in row and mine.id_number not in res.content.decode()
    res = api(anna).patch(f"/api/v1/inspectors/{mine.pk}/", {"certificate_status": "suspended", "reason": "停职"},
                          format="json")
    assert res.status_code == 200 and res.json()["certificate_status"] == "suspended"
    _err(api(bert).patch(f"/api/v1/inspectors/{mine.pk}/", {"is_helper": True}, format="json"), 404)
    _err(api(anna).post("/api/v1/inspectors/", {"agency": "YJGL", "name": "外单位"}, format="json"), 403)
    _err(api(anna).post("/api/v1/inspectors/", {
        "agency": "SCJG", "name": "新人", "certificate_number": "皖A1", "certificate_valid_from": "2025-02-30",
        "certificate_valid_until": "soon"}, format="json"), 400)


# --- Catalogue ----------------------------------------------------------------------------------


def test_legal_bases_status_and_levels(api, rita):
    res = api(rita).post("/api/v1/legal-bases/", {"title": "安徽省安全生产条例", "level": "local_regulation",
                                                  "article": "第二十条", "effective_date": "2022-03-01",
                                                  "status": "in_force"}, format="json")
    assert res.status_code == 201, res.json()
    assert {"id", "title", "level", "article", "effective_date", "status"} <= set(res.json())
    res = api(rita).patch(f"/api/v1/legal-bases/{res.json()['id']}/", {"status": "repealed", "reason": "废止"},
                          format="json")
    assert res.status_code == 200 and res.json()["status"] == "repealed"
    detail = _err(api(rita).post("/api/v1/legal-bases/", {"title": "x", "level": "edict", "article": "1",
                                                          "effective_date": "yesterday", "status": "alive"},
                                 format="json"), 400)["detail"]
    assert {"level", "effective_date", "status"} <= set(detail)


def test_matters_lifecycle_by_code(api, anna, rita, agency_a):
    basis = MatterFactory(agency=agency_a).legal_bases.first()
    res = api(anna).post("/api/v1/matters/", {
        "code": "SCJG-001", "name": "食品经营许可情况检查", "legal_bases": [basis.pk], "object_scope": "食品经营者",
        "offsite_capable": True, "check_standards": [{"item": "许可证有效", "criterion": "在有效期内"}],
        "common_problems": [{"problem": "许可证过期", "guidance": "及时延续"}]}, format="json")
    assert res.status_code == 201, res.json()
    body = res.json()
    assert {"code", "name", "agency", "legal_bases", "object_scope", "offsite_capable", "check_standards",
            "common_problems", "status"} <= set(body)
    assert body["agency"] == "SCJG" and body["legal_bases"] == [basis.pk] and body["status"] == "draft"
    assert api(anna).post("/api/v1/matters/SCJG-001/submit/").json()["status"] == "submitted"
    _err(api(anna).post("/api/v1/matters/SCJG-001/file/"), 403)
    assert api(rita).post("/api/v1/matters/SCJG-001/file/", {}, format="json").json()["status"] == "filed"
    assert api(anna).post("/api/v1/matters/SCJG-001/publish/").json()["status"] == "published"
    _err(api(anna).post("/api/v1/matters/SCJG-001/publish/"), 409, "invalid_state")
    _err(api(rita).post("/api/v1/matters/SCJG-001/reject/", {}, format="json"), 400)


def test_industries_are_gbt4754_codes(api, alice, platform_secret):
    res = api(secret=platform_secret).get("/api/v1/industries/?q=62")
    assert res.status_code == 200 and any(r["code"] == "62" for r in res.json()["results"])
    assert api(alice).get("/api/v1/industries/62/").json()["name"]
    assert api(alice).post("/api/v1/industries/", {"code": "ZZ"}, format="json").status_code == 405


def test_joint_matter_lists_publish(api, anna, agency_a, agency_b):
    matters = [MatterFactory(agency=agency_a).code, MatterFactory(agency=agency_b).code]
    res = api(anna).post("/api/v1/joint-matter-lists/", {"industry": "62", "title": "餐饮行业联查事项清单",
                                                         "lead_agency": "SCJG", "member_agencies": ["YJGL"],
                                                         "matters": matters}, format="json")
    assert res.status_code == 201, res.json()
    res = api(anna).post(f"/api/v1/joint-matter-lists/{res.json()['id']}/publish/")
    assert res.status_code == 200 and res.json()["status"] == "published"


# --- Registry -----------------------------------------------------------------------------------


def test_enterprises_by_uscc_with_shape_and_checksum_codes(api, rita, anna):
    good = uscc_for(4242)
    res = api(anna).post("/api/v1/enterprises/", {"uscc": good, "name": "芜湖鸠江某餐饮有限公司", "town": "wanli"},
                         format="json")
    assert res.status_code == 201, res.json()
    body = api(anna).get(f"/api/v1/enterprises/{good}/").json()
    assert {"uscc", "name", "town", "industry", "size", "credit_class", "joins_joint", "pool", "is_active"} <= set(body)
    assert "accept_checksum_warning" not in body
    _err(api(anna).post("/api/v1/enterprises/", {"uscc": "123", "name": "某公司"}, format="json"), 400, "invalid_uscc")
    wrong = bad_checksum(uscc_for(4243))
    _err(api(anna).post("/api/v1/enterprises/", {"uscc": wrong, "name": "某公司", "accept_checksum_warning": True},
                        format="json"), 400, "uscc_checksum_mismatch")
    res = api(rita).post("/api/v1/enterprises/", {"uscc": wrong, "name": "某公司", "town": "wanli",
                                                  "accept_checksum_warning": True}, format="json")
    assert res.status_code == 201, res.json()


def test_enterprise_pool_move_is_reviewers(api, rita, anna):
    ent = EnterpriseFactory()
    _err(api(anna).post(f"/api/v1/enterprises/{ent.uscc}/pool/", {"pool": "key", "reason": "重点"}, format="json"), 403)
    res = api(rita).post(f"/api/v1/enterprises/{ent.uscc}/pool/", {"pool": "key", "reason": "列入重点监管"},
                         format="json")
    assert res.status_code == 200 and res.json()["pool"] == "key"
    _err(api(rita).post(f"/api/v1/enterprises/{ent.uscc}/pool/", {"pool": "vip", "reason": "x"}, format="json"), 400)


def test_enterprise_quota_for_staff_and_platform(api, alice, platform_secret):
    ent = EnterpriseFactory()
    res = api(secret=platform_secret).get(f"/api/v1/enterprises/{ent.uscc}/quota/?year={date.today().year}")
    assert res.status_code == 200
    assert {"year", "pool", "yearly_cap", "used", "remaining", "blocked", "blocks"} <= set(res.json())
    assert api(alice).get(f"/api/v1/enterprises/{ent.uscc}/quota/").status_code == 200
    _err(api(alice).get(f"/api/v1/enterprises/{ent.uscc}/quota/?year=abc"), 400)
    _err(api(alice).get("/api/v1/enterprises/NOSUCH/quota/"), 404)


def test_cap_policies_read_by_all_written_by_reviewer(api, rita, anna):
    assert api(anna).get("/api/v1/cap-policies/").status_code == 200
    _err(api(anna).patch("/api/v1/cap-policies/", {"caps": {"joint": 3}}, format="json"), 403)
    res = api(rita).patch("/api/v1/cap-policies/", {"caps": {"joint": 3}, "reason": "试点"}, format="json")
    assert res.status_code == 200
    assert CapPolicy.objects.get(pool="joint").yearly_onsite_cap == 3
    _err(api(rita).patch("/api/v1/cap-policies/", {"caps": {"joint": -1}}, format="json"), 400)


def test_plans_fields_months_and_updated_since(api, anna, rita, platform_secret, agency_a, agency_b):
    ent = EnterpriseFactory()
    res = api(anna).post("/api/v1/plans/", {"year": 2025, "title": "2025年餐饮行业联合检查计划",
                                            "member_agencies": ["YJGL"], "enterprises": [ent.uscc],
                                            "months": ["2025-04", "2025-05"]}, format="json")
    assert res.status_code == 201, res.json()
    body = res.json()
    assert {"id", "year", "title", "lead_agency", "member_agencies", "industry", "joint_matter_list", "enterprises",
            "months", "status", "seed"} <= set(body)
    assert body["lead_agency"] == "SCJG" and body["enterprises"] == [ent.uscc] and body["months"] == ["2025-04",
                                                                                                      "2025-05"]
    _local(body["updated_at"])
    _err(api(anna).post("/api/v1/plans/", {"year": 2025, "title": "x", "months": ["2025-13"]}, format="json"), 400)
    old = PlanFactory(lead_agency=agency_b)
    _age(type(old), pk=old.pk)
    ids = [p["id"] for p in api(secret=platform_secret).get(f"/api/v1/plans/?updated_since={_since()}").json()["results"]]
    assert old.pk not in ids


# --- Inspections and codes ----------------------------------------------------------------------


def _draft_payload(agency, **kw):
    people = team(agency)
    day = date.today() + timedelta(days=2)
    return {"enterprise": EnterpriseFactory().uscc, "kind": "special", "mode": "onsite",
            "date": str(day), "plan": special_plan_for(agency=agency, day=day).pk,
            "participations": [{"agency": agency.code, "inspectors": [p.pk for p in people],
                                "matters": [MatterFactory(agency=agency).code]}],
            "advance_notice": {"notified_at": "2025-03-01T09:00:00+08:00", "method": "电话", "content": "检查安排"},
            **kw}


def test_inspections_fields_gates_and_updated_since(api, alice, anna, platform_secret, agency_a):
    res = api(alice).post("/api/v1/inspections/", _draft_payload(agency_a), format="json")
    assert res.status_code == 201, res.json()
    body = res.json()
    assert {"id", "enterprise", "kind", "mode", "date", "plan", "trigger", "participations", "advance_notice",
            "notice_exempt_reason", "onsite_justification", "status"} <= set(body)
    assert set(body["participations"][0]) >= {"agency", "inspectors", "matters"}
    _local(body["advance_notice"]["notified_at"])
    _local(body["created_at"])
    trig = _draft_payload(agency_a, kind="triggered", trigger={"source": "complaint", "reference": "12345-1",
                                                               "reason": "投诉"})
    assert api(alice).post("/api/v1/inspections/", trig, format="json").json()["trigger"]["source"] == "complaint"
    bad = _draft_payload(agency_a, mode="teleport", trigger={"source": "rumour"}, date="2025-02-30")
    assert {"mode", "trigger", "date"} <= set(_err(api(alice).post("/api/v1/inspections/", bad, format="json"),
                                                   400)["detail"])
    weak = _draft_payload(agency_a)
    weak["participations"][0]["inspectors"] = weak["participations"][0]["inspectors"][:1]
    weak.pop("advance_notice")
    weak_id = api(alice).post("/api/v1/inspections/", weak, format="json").json()["id"]
    refusal = _err(api(anna).post(f"/api/v1/inspections/{weak_id}/approve/"), 409, "too_few_inspectors")
    assert [e["code"] for e in refusal["detail"]["errors"]] == ["too_few_inspectors", "advance_notice_missing"]
    assert api(anna).post(f"/api/v1/inspections/{body['id']}/approve/").json()["status"] == "approved"
    old = make_inspection(agency=agency_a)
    _age(type(old), pk=old.pk)
    synced = api(secret=platform_secret).get(f"/api/v1/inspections/?updated_since={_since()}").json()["results"]
    assert body["id"] in [i["id"] for i in synced] and old.pk not in [i["id"] for i in synced]


def test_check_code_issue_result_and_public_verification(api, alice, agency_a):
    insp = make_inspection(agency=agency_a, status="approved")
    res = api(alice).post(f"/api/v1/inspections/{insp.pk}/check-code/")
    assert res.status_code == 201, res.json()
    body = res.json()
    assert set(body) >= {"code", "qr_png_url", "qr_svg_url", "verify_url", "valid_from", "valid_until"}
    _local(body["valid_from"]), _local(body["valid_until"])
    draft = make_inspection(agency=agency_a)
    _err(api(alice).post(f"/api/v1/inspections/{draft.pk}/check-code/"), 409)
    public = api().get(f"/api/v1/check-codes/{body['code']}/")
    assert public.status_code == 200
    _local(public.json()["valid_from"])
    _err(api().get("/api/v1/check-codes/NOPE/"), 404, "not_found")
    res = api(alice).post(f"/api/v1/inspections/{insp.pk}/result/", {
        "outcome": "rectification", "findings": "台账不全",
        "rectification": {"items": ["补齐台账"], "deadline": str(insp.date + timedelta(days=10))}}, format="json")
    assert res.status_code == 201, res.json()
    _err(api(alice).post(f"/api/v1/inspections/{insp.pk}/result/", {"outcome": "shrug"}, format="json"), 400)


def test_evaluation_once_per_code_by_uscc_holder(api, alice, agency_a):
    insp = make_inspection(agency=agency_a, status="approved")
    code = api(alice).post(f"/api/v1/inspections/{insp.pk}/check-code/").json()["code"]
    _err(api().post(f"/api/v1/check-codes/{code}/evaluation/", {"uscc": insp.enterprise.uscc, "rating": 5,
                                                               "code_shown": True, "notified_in_advance": True},
                    format="json"), 409, "invalid_state")  # not before the result is recorded
    assert api(alice).post(f"/api/v1/inspections/{insp.pk}/result/", {"outcome": "no_issue"},
                           format="json").status_code == 201
    NegativeItemFactory(code="N01", title="未出示检查码")
    payload = {"uscc": insp.enterprise.uscc, "rating": 4, "code_shown": True, "notified_in_advance": True,
               "negative_items": ["N01"], "comment": "规范"}
    _err(api().post(f"/api/v1/check-codes/{code}/evaluation/", {**payload, "rating": 9}, format="json"), 400)
    _err(api().post(f"/api/v1/check-codes/{code}/evaluation/", {**payload, "uscc": uscc_for(9)}, format="json"),
         403, "uscc_mismatch")
    res = api().post(f"/api/v1/check-codes/{code}/evaluation/", payload, format="json")
    assert res.status_code == 201
    _local(res.json()["created_at"])
    _err(api().post(f"/api/v1/check-codes/{code}/evaluation/", payload, format="json"), 409,
         "evaluation_already_submitted")


def test_triggered_filings_filters_summary_and_updated_since(api, alice, rita, platform_secret, agency_a, agency_b):
    month = f"{date.today():%Y-%m}"
    mine = InspectionFactory(initiating_agency=agency_a, kind="triggered", trigger_source="complaint")
    InspectionFactory(initiating_agency=agency_b, kind="triggered", trigger_source="referral")
    old = InspectionFactory(initiating_agency=agency_a, kind="triggered", trigger_source="complaint")
    _age(TriggeredFiling, inspection=old)
    client = api(secret=platform_secret)
    rows = client.get(f"/api/v1/triggered-filings/?month={month}&agency=SCJG&source=complaint").json()["results"]
    assert {r["inspection"] for r in rows} == {mine.pk, old.pk}
    synced = client.get(f"/api/v1/triggered-filings/?updated_since={_since()}").json()["results"]
    assert old.pk not in {r["inspection"] for r in synced} and mine.pk in {r["inspection"] for r in synced}
    assert {r["agency"] for r in api(alice).get("/api/v1/triggered-filings/").json()["results"]} == {"SCJG"}
    _err(client.get("/api/v1/triggered-filings/?source=rumour"), 400)
    summary = client.get(f"/api/v1/triggered-filings/monthly-summary/?month={month}")
    assert summary.status_code == 200
    row = next(r for r in summary.json()["results"] if r["agency"] == "SCJG")
    assert {"counts_by_source", "warnings", "blocks"} <= set(row) and row["counts_by_source"]["complaint"] == 2
    _err(client.get("/api/v1/triggered-filings/monthly-summary/?month=2025-13"), 400)
    assert client.get("/api/v1/triggered-filings/monthly-summary/?month=2025-3").json()["month"] == "2025-03"


# --- Supervision --------------------------------------------------------------------------------


def test_alerts_reviewer_handles_platform_reads(api, rita, alice, platform_secret):
    alert = AlertFactory(severity="block")
    old = AlertFactory(severity="warning")
    _age(Alert, pk=old.pk)
    client = api(secret=platform_secret)
    rows = client.get(f"/api/v1/alerts/?severity=block&updated_since={_since()}").json()["results"]
    assert [r["id"] for r in rows] == [alert.pk]
    assert {"kind", "severity", "status"} <= set(rows[0])
    _local(rows[0]["created_at"])
    _err(client.patch(f"/api/v1/alerts/{alert.pk}/", {"status": "resolved"}, format="json"), 403)
    _err(api(alice).get("/api/v1/alerts/"), 403)
    res = api(rita).patch(f"/api/v1/alerts/{alert.pk}/", {"status": "resolved", "note": "已核实"}, format="json")
    assert res.status_code == 200 and res.json()["status"] == "resolved"
    _err(api(rita).patch(f"/api/v1/alerts/{alert.pk}/", {"status": "forgotten"}, format="json"), 400)


def test_block_override_by_reviewer_with_reason(api, rita, anna):
    block = BlockFactory()
    _err(api(anna).post(f"/api/v1/blocks/{block.pk}/override/", {"reason": "x"}, format="json"), 403)
    _err(api(rita).post(f"/api/v1/blocks/{block.pk}/override/", {}, format="json"), 400)
    res = api(rita).post(f"/api/v1/blocks/{block.pk}/override/", {"reason": "企业已整改，解除阻断"}, format="json")
    assert res.status_code == 200 and res.json()["status"] != "active"


def test_supervision_cases_platform_writes_idempotently(api, rita, platform_secret, agency_a):
    writer = api(secret=_platform("cases:write"))
    payload = {"external_id": "ZHD-2025-001", "title": "多头重复检查", "problem": "同一周三次上门", "agency": "SCJG"}
    first = writer.post("/api/v1/supervision-cases/", payload, format="json")
    assert first.status_code == 201, first.json()
    again = writer.post("/api/v1/supervision-cases/", payload, format="json")
    assert again.status_code == 200 and again.json()["id"] == first.json()["id"]
    case_id = first.json()["id"]
    url = f"/api/v1/supervision-cases/{case_id}/measures/"
    measure = {"kind": "correction", "date": str(date.today())}
    one = writer.post(url, measure, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    two = writer.post(url, measure, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert one.status_code == 201 and two.status_code == 201 and one.json() == two.json()
    assert two["Idempotent-Replayed"] == "true"
    assert len(writer.get(f"/api/v1/supervision-cases/{case_id}/").json()["measures"]) == 1
    _err(writer.post(url, {**measure, "kind": "interview"}, format="json", HTTP_IDEMPOTENCY_KEY="k-1"), 409,
         "idempotency_key_reused")
    _err(writer.post(url, {"kind": "spanking"}, format="json"), 400)
    _err(api(secret=platform_secret).post("/api/v1/supervision-cases/", payload, format="json"), 403)
    old = CaseFactory(agency=agency_a)
    _age(type(old), pk=old.pk)
    synced = api(rita).get(f"/api/v1/supervision-cases/?updated_since={_since()}").json()["results"]
    assert case_id in [c["id"] for c in synced] and old.pk not in [c["id"] for c in synced]


def test_hotline_tickets_idempotent_on_external_id(api, anna, platform_secret):
    writer = api(secret=_platform("hotline:write"))
    payload = {"external_id": "12345-2025-000777", "title": "反映多次检查", "content": "一周内三次检查",
               "received_at": "2025-03-01T09:30:00", "enterprise": uscc_for(5), "agency": "SCJG"}
    first = writer.post("/api/v1/hotline-tickets/", payload, format="json")
    assert first.status_code == 201, first.json()
    body = first.json()
    assert {"external_id", "title", "content", "received_at", "enterprise", "agency"} <= set(body)
    assert body["received_at"] == "2025-03-01T09:30:00+08:00"
    again = writer.post("/api/v1/hotline-tickets/", payload, format="json")
    assert again.status_code == 200 and again.json()["id"] == body["id"]
    assert writer.get("/api/v1/hotline-tickets/").status_code == 200
    _err(api(secret=platform_secret).post("/api/v1/hotline-tickets/", payload, format="json"), 403)
    _err(api(anna).get("/api/v1/hotline-tickets/"), 403)
    _err(writer.post("/api/v1/hotline-tickets/", {**payload, "external_id": "x2", "received_at": "noon"},
                     format="json"), 400)
    HotlineTicketFactory()


def test_stats_overview_for_reviewer_and_platform(api, rita, alice, platform_secret):
    res = api(secret=platform_secret).get(f"/api/v1/stats/overview/?year={date.today().year}")
    assert res.status_code == 200 and "inspections" in res.json()
    assert api(rita).get("/api/v1/stats/overview/").status_code == 200
    _err(api(rita).get("/api/v1/stats/overview/?year=abc"), 400)
    _err(api(alice).get("/api/v1/stats/overview/"), 403)

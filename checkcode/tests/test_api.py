"""检查码 over the API: issue (201/409), result, public verification, evaluation, rectification."""
from datetime import date, timedelta

import pytest
from django.utils import timezone

from checkcode.models import CheckCode, CodeScan
from plans.models import CapPolicy
from plans.tests.factories import EnterpriseFactory, NegativeItemFactory

from .factories import approved_inspection

pytestmark = pytest.mark.django_db


def test_issue_returns_code_qr_and_window(api, alice, agency_a):
    insp = approved_inspection(agency=agency_a)
    res = api(alice).post(f"/api/v1/inspections/{insp.pk}/check-code/")
    assert res.status_code == 201, res.json()
    body = res.json()
    assert set(body) >= {"code", "qr_png_url", "qr_svg_url", "verify_url", "valid_from", "valid_until"}
    assert body["verify_url"].endswith(f"/c/{body['code']}/") and body["valid_from"].endswith("+08:00")
    png = api().get(body["qr_png_url"].split("8000", 1)[-1])
    assert png.status_code == 200 and png.content[:4] == b"\x89PNG"
    svg = api().get(body["qr_svg_url"].split("8000", 1)[-1])
    assert svg.status_code == 200 and b"<svg" in svg.content


def test_issue_at_cap_is_409_with_the_rule_code(api, alice, bob, agency_a, agency_b):
    CapPolicy.objects.update_or_create(pool="whitelist", defaults={"yearly_onsite_cap": 1})
    ent = EnterpriseFactory(pool="whitelist")
    assert api(alice).post(f"/api/v1/inspections/{approved_inspection(agency=agency_a, enterprise=ent).pk}/check-code/"
                           ).status_code == 201
    res = api(bob).post(f"/api/v1/inspections/{approved_inspection(agency=agency_b, enterprise=ent).pk}/check-code/")
    assert res.status_code == 409
    assert res.json()["code"] == "enterprise_over_yearly_cap"


def test_other_agency_cannot_issue(api, bob, agency_a):
    assert api(bob).post(f"/api/v1/inspections/{approved_inspection(agency=agency_a).pk}/check-code/").status_code == 404


def test_public_verification_is_anonymous_and_private_data_free(api, alice, agency_a):
    insp = approved_inspection(agency=agency_a, day=timezone.localdate())  # inside its window: valid
    code = api(alice).post(f"/api/v1/inspections/{insp.pk}/check-code/").json()["code"]
    res = api().get(f"/api/v1/check-codes/{code.lower()}/")
    assert res.status_code == 200
    body = res.json()
    assert body["verdict_label"] == "真实有效" and body["status"] == "shown"  # first view shows the code
    text = res.content.decode()
    for person in insp.participations.get().inspectors.all():
        assert person.name in text and person.certificate.number in text
        assert person.id_number not in text and person.phone not in text
    assert CodeScan.objects.filter(check_code__code=code).count() == 1
    missing = api().get("/api/v1/check-codes/JJ-0000-0000-0000-0000-0/")
    assert missing.status_code == 404 and missing.json()["code"] == "not_found"


def test_result_then_evaluation_once_with_uscc(api, alice, agency_a):
    insp = approved_inspection(agency=agency_a)
    code = api(alice).post(f"/api/v1/inspections/{insp.pk}/check-code/").json()["code"]
    res = api(alice).post(f"/api/v1/inspections/{insp.pk}/result/", {
        "outcome": "rectification", "findings": "台账不全",
        "rectification": {"items": ["补齐台账"], "deadline": str(insp.date + timedelta(days=10))}}, format="json")
    assert res.status_code == 201, res.json()
    neg = NegativeItemFactory(code="N01", title="未出示检查码")
    payload = {"uscc": insp.enterprise.uscc, "rating": 2, "code_shown": True, "notified_in_advance": True,
               "negative_items": ["N01"], "comment": "态度生硬"}
    wrong = api().post(f"/api/v1/check-codes/{code}/evaluation/", {**payload, "uscc": "91340207MA00000009"},
                       format="json")
    assert wrong.status_code == 403 and wrong.json()["code"] == "uscc_mismatch"
    assert api().post(f"/api/v1/check-codes/{code}/evaluation/", payload, format="json").status_code == 201
    again = api().post(f"/api/v1/check-codes/{code}/evaluation/", payload, format="json")
    assert again.status_code == 409 and again.json()["code"] == "evaluation_already_submitted"
    assert neg.evaluation_set.count() == 1
    res = api().post(f"/api/v1/check-codes/{code}/rectification/", {"uscc": insp.enterprise.uscc,
                                                                     "response": "已补齐"}, format="json")
    assert res.status_code == 200 and res.json()["status"] == "responded"
    rect_id = res.json()["id"]
    res = api(alice).post(f"/api/v1/rectifications/{rect_id}/verify/", {"passed": True}, format="json")
    assert res.json()["status"] == "closed"
    assert CheckCode.objects.get(code=code).status == "closed"


def test_result_without_code_is_code_not_issued(api, alice, agency_a):
    insp = approved_inspection(agency=agency_a)
    res = api(alice).post(f"/api/v1/inspections/{insp.pk}/result/", {"outcome": "no_issue"}, format="json")
    assert res.status_code == 409 and res.json()["code"] == "code_not_issued"


def test_revoke_and_late_code(api, alice, agency_a):
    insp = approved_inspection(agency=agency_a, day=date.today() + timedelta(days=2))
    code = api(alice).post(f"/api/v1/inspections/{insp.pk}/check-code/").json()["code"]
    assert api(alice).post(f"/api/v1/check-codes/{code}/revoke/", {}, format="json").status_code == 400
    res = api(alice).post(f"/api/v1/check-codes/{code}/revoke/", {"reason": "改期"}, format="json")
    assert res.status_code == 200 and res.json()["status"] == "revoked"
    assert api().get(f"/api/v1/check-codes/{code}/").json()["verdict_label"] == "已撤销"
    past = approved_inspection(agency=agency_a, day=date.today() - timedelta(days=2))
    res = api(alice).post(f"/api/v1/inspections/{past.pk}/late-code/", {"reason": "燃气泄漏应急"}, format="json")
    assert res.status_code == 201 and res.json()["is_late"] is True

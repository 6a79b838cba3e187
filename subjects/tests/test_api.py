import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from subjects.tests.factories import InspectorFactory

pytestmark = pytest.mark.django_db


def test_token_endpoint_returns_token_for_staff_and_error_shape_for_bad_password(api, alice):
    r = api().post("/api/v1/auth/token/", {"username": "alice", "password": "Passw0rd!jj"}, format="json")
    assert r.status_code == 201 and r.json()["token"].startswith("jj_") and "+08:00" in r.json()["expires_at"]
    ok = api(secret=r.json()["token"]).get("/api/v1/agencies/")
    assert ok.status_code == 200
    bad = api().post("/api/v1/auth/token/", {"username": "alice", "password": "wrong"}, format="json")
    assert bad.status_code == 400 and bad.json()["code"] == "invalid_credentials" and bad.json()["message"]


def test_unauthenticated_and_bad_token_get_401_with_error_shape(api):
    r = api().get("/api/v1/agencies/")
    assert r.status_code == 401 and r.json()["code"] == "not_authenticated"
    r = api(secret="jj_deadbeef_nope").get("/api/v1/agencies/")
    assert r.status_code == 401 and set(r.json()) == {"code", "message", "detail"}


def test_inspectors_are_scoped_to_own_agency_and_never_expose_id_numbers(api, anna, bert, alice, bob, rita):
    r = api(anna).get("/api/v1/inspectors/")
    names = {i["name"] for i in r.json()["results"]}
    assert "王丽" in names and "赵博" not in names
    row = r.json()["results"][0]
    assert "id_number" not in row and "phone" not in row and row["id_number_masked"].count("*") >= 8
    assert api(bert).get(f"/api/v1/inspectors/{alice.inspector_id}/").status_code == 404
    assert {i["name"] for i in api(rita).get("/api/v1/inspectors/").json()["results"]} >= {"王丽", "赵博"}


def test_inspector_role_cannot_manage_inspectors(api, alice):
    assert api(alice).get("/api/v1/inspectors/").status_code == 403


def test_create_inspector_validation_errors_are_field_mapped(api, anna):
    r = api(anna).post("/api/v1/inspectors/", {"name": "新人", "agency": "SCJG", "id_number": "123"}, format="json")
    assert r.status_code == 400 and r.json()["code"] == "invalid" and "id_number" in r.json()["detail"]
    r = api(anna).post("/api/v1/inspectors/", {"name": "x" * 51, "agency": "SCJG"}, format="json")
    assert r.status_code == 400 and "name" in r.json()["detail"]


def test_admin_creates_inspector_and_patches_certificate_status(api, anna):
    r = api(anna).post("/api/v1/inspectors/", {
        "name": "新人", "agency": "SCJG", "certificate_number": "皖NEW-1", "certificate_valid_from": "2025-01-01",
        "certificate_valid_until": "2030-01-01"}, format="json")
    assert r.status_code == 201, r.json()
    pk = r.json()["id"]
    r = api(anna).patch(f"/api/v1/inspectors/{pk}/", {"certificate_status": "suspended", "reason": "停职"}, format="json")
    assert r.status_code == 200 and r.json()["certificate_status"] == "suspended"
    assert r.json()["certificate_state"] == "suspended"


def test_admin_cannot_create_inspector_in_another_agency(api, bert, agency_a):
    r = api(bert).post("/api/v1/inspectors/", {"name": "越权", "agency": "SCJG", "is_helper": True}, format="json")
    assert r.status_code == 403 and r.json()["code"] == "permission_denied"


def test_users_endpoint_is_for_reviewers(api, rita, anna, agency_a):
    assert api(anna).get("/api/v1/users/").status_code == 403
    r = api(rita).post("/api/v1/users/", {"username": "newbie", "password": "Strong!pass2026", "role": "inspector",
                                          "agency": "SCJG"}, format="json")
    assert r.status_code == 201 and "password" not in r.json()
    r = api(rita).patch(f"/api/v1/users/{r.json()['id']}/", {"is_active": False}, format="json")
    assert r.status_code == 200 and r.json()["is_active"] is False


def test_platform_read_token_reads_inspectors_masked_but_not_accounts(api, platform_secret):
    # Issue 14: 智慧督 mirrors agencies and inspectors (personal data masked, tests/test_sync_walk.py);
    # accounts stay staff-only.
    assert api(secret=platform_secret).get("/api/v1/inspectors/").status_code == 200
    assert api(secret=platform_secret).get("/api/v1/users/").status_code == 403


def test_inspector_list_query_count_does_not_grow_with_rows(api, rita, agency_a):
    InspectorFactory.create_batch(3, agency=agency_a)
    client = api(rita)
    client.get("/api/v1/inspectors/")  # the first request records the token's last use
    with CaptureQueriesContext(connection) as few:
        assert client.get("/api/v1/inspectors/").status_code == 200
    InspectorFactory.create_batch(20, agency=agency_a)
    with CaptureQueriesContext(connection) as many:
        assert len(client.get("/api/v1/inspectors/").json()["results"]) == 23
    assert len(many) == len(few) <= 5


def test_pagination_is_cursor_based_with_max_page_size(api, rita, agency_a):
    InspectorFactory.create_batch(5, agency=agency_a)
    r = api(rita).get("/api/v1/inspectors/?page_size=2")
    body = r.json()
    assert len(body["results"]) == 2 and body["next"] and body["previous"] is None
    second = api(rita).get(body["next"]).json()
    assert {i["id"] for i in second["results"]}.isdisjoint({i["id"] for i in body["results"]})


def test_a_typed_certificate_number_is_stored_as_it_spells_and_its_twin_is_refused(api, anna):
    """Issue 12 "identifiers typed with a Chinese input method": outside imports too (API, form)."""
    from subjects.models import Certificate

    body = {"name": "新人", "agency": "SCJG", "certificate_valid_from": "2025-01-01",
            "certificate_valid_until": "2030-01-01"}
    r = api(anna).post("/api/v1/inspectors/", body | {"certificate_number": " 皖３４０２-\u200b００１ "}, format="json")
    assert r.status_code == 201, r.json()
    assert list(Certificate.objects.values_list("number", flat=True)) == ["皖3402-001"]
    r = api(anna).post("/api/v1/inspectors/", body | {"name": "另一人", "certificate_number": "皖3402-001"}, format="json")
    assert r.status_code == 400 and "certificate_number" in r.json()["detail"]

"""Accounts (issue 15 "Accounts"): an agency admin creates and deactivates logins for its own inspectors
(the reviewer keeps every agency), and a new account must change its password at first login."""
import pytest

from subjects.models import User
from subjects.tests.factories import InspectorFactory, UserFactory

pytestmark = pytest.mark.django_db
PASSWORD = "Chushi#2026pw"


def _new_login(client, anna, inspector, username="zhou_ming"):
    client.force_login(anna)
    return client.post("/subjects/users/new/", {
        "username": username, "display_name": inspector.name, "role": "inspector", "agency": anna.agency_id,
        "inspector": inspector.pk, "is_active": "on", "password": PASSWORD})


def test_an_agency_admin_creates_a_login_for_its_own_inspector_who_must_then_choose_a_password(client, anna):
    inspector = InspectorFactory(agency=anna.agency, name="周明")
    res = _new_login(client, anna, inspector)
    assert res.status_code == 302, res.content.decode()[-2000:]
    account = User.objects.get(username="zhou_ming")
    assert (account.role, account.agency_id, account.inspector_id, account.must_change_password) == (
        "inspector", anna.agency_id, inspector.pk, True)
    assert "周明" in client.get("/subjects/users/").content.decode()

    client.logout()
    assert client.login(username="zhou_ming", password=PASSWORD)
    res = client.get("/plans/inspections/")
    assert res.status_code == 302 and res["Location"].startswith("/accounts/password/")
    assert "请先设置您自己的密码" in client.get(res["Location"]).content.decode()
    res = client.post("/accounts/password/", {"old_password": PASSWORD, "new_password1": "Ziji#Mima2026",
                                              "new_password2": "Ziji#Mima2026"})
    assert res.status_code == 302
    assert User.objects.get(username="zhou_ming").must_change_password is False
    assert client.get("/plans/inspections/").status_code == 200


def test_an_agency_admin_cannot_make_other_roles_or_touch_another_agencys_logins(client, anna, bob, bert):
    client.force_login(anna)
    res = client.post("/subjects/users/new/", {"username": "x_admin", "role": "agency_admin",
                                                "agency": anna.agency_id, "password": PASSWORD})
    assert res.status_code == 200 and not User.objects.filter(username="x_admin").exists()
    res = client.post("/subjects/users/new/", {"username": "x_other", "role": "inspector",
                                                "agency": bob.agency_id, "password": PASSWORD})
    assert res.status_code == 200 and not User.objects.filter(username="x_other").exists()
    assert client.get(f"/subjects/users/{bob.pk}/edit/").status_code == 404
    assert client.get(f"/subjects/users/{bert.pk}/edit/").status_code == 404
    listed = client.get("/subjects/users/").content.decode()
    assert "bob" not in listed and "bert" not in listed and "anna" not in listed


def test_an_agency_admin_deactivates_a_login_and_the_trail_says_so(client, anna, alice, rita):
    alice.set_password(PASSWORD)
    alice.save()
    assert client.login(username="alice", password=PASSWORD)  # works before
    client.force_login(anna)
    res = client.post(f"/subjects/users/{alice.pk}/edit/", {
        "username": alice.username, "display_name": alice.display_name, "role": "inspector",
        "agency": anna.agency_id, "inspector": alice.inspector_id, "password": ""})
    assert res.status_code == 302
    alice.refresh_from_db()
    assert alice.is_active is False and alice.must_change_password is False  # no password was set
    assert not client.login(username="alice", password=PASSWORD)  # and no longer
    client.force_login(rita)
    assert "账号 修改" in client.get("/audit/", {"action": "user."}).content.decode()


def test_a_password_reset_by_someone_else_is_to_be_changed_again(rita, alice):
    from subjects.services import user_update

    user_update(user=alice, by=rita, password="Reset#2026pass")
    assert User.objects.get(pk=alice.pk).must_change_password is True
    user_update(user=rita, by=rita, password="Mine#2026pass")
    assert User.objects.get(pk=rita.pk).must_change_password is False


def test_the_api_refuses_a_token_until_the_initial_password_is_changed(api, agency_a):
    UserFactory(username="fresh", role="inspector", agency=agency_a, must_change_password=True,
                password=PASSWORD)
    res = api().post("/api/v1/auth/token/", {"username": "fresh", "password": PASSWORD}, format="json")
    assert res.status_code == 400 and res.json()["code"] == "password_change_required"

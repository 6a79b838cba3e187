"""邀约 (举措 13): services, /api/v1/invitations/ (status codes, scoping, query counts), the staff pages
and the public page where the enterprise answers with its 统一社会信用代码."""
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from jiujiang_inspect.audit import audit_history
from jiujiang_inspect.exceptions import PermissionDeniedError
from plans.exceptions import InvitationNotAccepted, UsccMismatch
from plans.models import Invitation
from plans.services.invitations import (
    invitation_accept,
    invitation_create,
    invitation_decline,
    invitation_done,
    invitation_from_public_token,
    invitation_public_token,
    invitation_respond_public,
)

from .factories import EnterpriseFactory

pytestmark = pytest.mark.django_db


def _inv(user, agency, **kw):
    return invitation_create(by=user, enterprise=kw.pop("enterprise", None) or EnterpriseFactory(), agency=agency,
                             activity=kw.pop("activity", "guidance"), date=kw.pop("date", date.today()),
                             purpose=kw.pop("purpose", "食品安全政策宣讲"), **kw)


# --- services -------------------------------------------------------------------------------------

def test_done_without_acceptance_is_refused_with_its_own_code(alice, agency_a):
    inv = _inv(alice, agency_a)
    with pytest.raises(InvitationNotAccepted) as exc:
        invitation_done(invitation=inv, by=alice)
    assert exc.value.code == "invitation_not_accepted" and exc.value.status_code == 409
    invitation_decline(invitation=inv, by=alice, reason="企业生产繁忙")
    with pytest.raises(InvitationNotAccepted):
        invitation_done(invitation=inv, by=alice)


def test_other_agency_cannot_answer_or_register_for_an_invitation(alice, bob, agency_a):
    inv = _inv(alice, agency_a)
    with pytest.raises(PermissionDeniedError):
        invitation_accept(invitation=inv, by=bob)
    with pytest.raises(PermissionDeniedError):
        invitation_done(invitation=inv, by=bob)
    assert Invitation.objects.get(pk=inv.pk).status == "proposed"


def test_public_answer_needs_the_enterprises_own_uscc(alice, agency_a):
    """GIVEN a proposed invitation WHEN someone answers with another uscc THEN it is refused;
    with the enterprise's own uscc (any case) the acceptance is recorded and audited."""
    inv = _inv(alice, agency_a)
    with pytest.raises(UsccMismatch):
        invitation_respond_public(invitation=inv, uscc=EnterpriseFactory().uscc, accept=True)
    inv = invitation_respond_public(invitation=inv, uscc=inv.enterprise.uscc.lower(), accept=True)
    assert inv.status == "accepted"
    actions = [h.action for h in audit_history(inv)]
    assert actions[0] == "invitation.accepted" and "invitation.created" in actions
    assert invitation_done(invitation=inv, by=alice).status == "done"


def test_public_token_is_unguessable_and_checked(alice, agency_a):
    inv = _inv(alice, agency_a)
    token = invitation_public_token(inv)
    assert invitation_from_public_token(token) == inv
    assert invitation_from_public_token(f"{inv.pk}-{'0' * 20}") is None
    assert invitation_from_public_token(str(inv.pk)) is None
    assert invitation_from_public_token("nonsense") is None


# --- API ------------------------------------------------------------------------------------------

def _payload(**kw):
    return {"enterprise": EnterpriseFactory().uscc, "activity": "research", "date": str(date.today()),
            "purpose": "产业发展调研", **kw}


def test_api_create_defaults_to_own_agency_and_gives_the_public_link(api, alice):
    res = api(alice).post("/api/v1/invitations/", _payload(), format="json")
    assert res.status_code == 201, res.json()
    body = res.json()
    assert body["agency"] == "SCJG" and body["status"] == "proposed"
    assert "/plans/public/invitations/" in body["public_url"]
    own = api(alice).post("/api/v1/invitations/", _payload(invited_by_enterprise=True), format="json").json()
    assert own["status"] == "accepted"


def test_api_bad_input_is_400_and_other_agency_is_403(api, alice, agency_b):
    res = api(alice).post("/api/v1/invitations/", _payload(activity="party", purpose="x" * 2001), format="json")
    assert res.status_code == 400 and {"activity", "purpose"} <= set(res.json()["detail"])
    res = api(alice).post("/api/v1/invitations/", _payload(agency=agency_b.code), format="json")
    assert res.status_code == 403 and res.json()["code"] == "permission_denied"


def test_api_done_is_409_until_the_enterprise_accepts(api, alice):
    inv_id = api(alice).post("/api/v1/invitations/", _payload(), format="json").json()["id"]
    res = api(alice).post(f"/api/v1/invitations/{inv_id}/done/")
    assert res.status_code == 409 and res.json()["code"] == "invitation_not_accepted"
    res = api(alice).post(f"/api/v1/invitations/{inv_id}/accept/", {"reason": "电话确认"}, format="json")
    assert res.status_code == 200 and res.json()["status"] == "accepted"
    assert api(alice).post(f"/api/v1/invitations/{inv_id}/decline/").json()["code"] == "invalid_state"
    res = api(alice).post(f"/api/v1/invitations/{inv_id}/done/")
    assert res.status_code == 200 and res.json()["status"] == "done"
    assert api(alice).post(f"/api/v1/invitations/{inv_id}/done/").status_code == 409


def test_api_scoping_agency_reviewer_platform(api, alice, bob, rita, agency_a, platform_secret):
    inv = _inv(alice, agency_a)
    assert api(bob).get("/api/v1/invitations/").json()["results"] == []
    assert api(bob).get(f"/api/v1/invitations/{inv.pk}/").status_code == 404
    assert api(bob).post(f"/api/v1/invitations/{inv.pk}/accept/").status_code == 404
    assert [r["id"] for r in api(rita).get("/api/v1/invitations/").json()["results"]] == [inv.pk]
    platform = api(secret=platform_secret)
    assert platform.get("/api/v1/invitations/").status_code == 200
    assert platform.post("/api/v1/invitations/", _payload(), format="json").status_code == 403
    assert api().get("/api/v1/invitations/").status_code == 401
    res = api(rita).get("/api/v1/invitations/", {"status": "accepted"})
    assert res.json()["results"] == []


def test_api_list_query_count_does_not_grow(api, alice, agency_a):
    client = api(alice)
    _inv(alice, agency_a)
    client.get("/api/v1/invitations/")
    with CaptureQueriesContext(connection) as few:
        client.get("/api/v1/invitations/")
    for _ in range(5):
        _inv(alice, agency_a)
    with CaptureQueriesContext(connection) as many:
        res = client.get("/api/v1/invitations/")
    assert len(res.json()["results"]) == 6
    assert len(many) == len(few)


# --- pages ----------------------------------------------------------------------------------------

def test_staff_create_then_record_acceptance_and_done_on_the_detail_page(client, alice, agency_a):
    client.force_login(alice)
    ent = EnterpriseFactory()
    res = client.post(reverse("plans:invitation_create"), {
        "enterprise": ent.uscc.lower(), "activity": "training", "date": str(date.today() + timedelta(days=3)),
        "purpose": "安全生产培训"})
    inv = Invitation.objects.get(enterprise=ent)
    assert res.status_code == 302 and res.url == reverse("plans:invitation_detail", args=[inv.pk])
    page = client.get(res.url).content.decode()
    assert "企业确认链接" in page and "登记走访已完成" not in page and "邀约 新建" in page
    client.post(reverse("plans:invitation_action", args=[inv.pk, "done"]))
    assert Invitation.objects.get(pk=inv.pk).status == "proposed"
    msg = client.get(res.url).content.decode()
    assert "企业尚未同意该邀约" in msg
    client.post(reverse("plans:invitation_action", args=[inv.pk, "accept"]), {"reason": "电话确认"})
    assert "登记走访已完成" in client.get(res.url).content.decode()
    client.post(reverse("plans:invitation_action", args=[inv.pk, "done"]))
    assert Invitation.objects.get(pk=inv.pk).status == "done"


def test_create_form_shows_errors_next_to_fields(client, alice):
    client.force_login(alice)
    res = client.post(reverse("plans:invitation_create"), {"enterprise": "NOPE", "activity": "guidance",
                                                           "date": "", "purpose": ""})
    assert res.status_code == 200 and "未找到该统一社会信用代码对应的企业" in res.content.decode()


def test_pages_are_scoped_and_list_filters_and_exports(client, alice, bob, rita, agency_a):
    inv = _inv(alice, agency_a, activity="research", purpose="调研数字化转型")
    _inv(alice, agency_a, activity="training", purpose="培训")
    client.force_login(bob)
    assert client.get(reverse("plans:invitation_detail", args=[inv.pk])).status_code == 404
    assert "调研数字化转型" not in client.get(reverse("plans:invitation_list")).content.decode()
    client.force_login(rita)
    page = client.get(reverse("plans:invitation_list"), {"activity": "training"}).content.decode()
    assert inv.enterprise.name not in page and "培训" in page
    assert "登记邀约" not in page  # reviewers don't register visits for an agency
    res = client.get(reverse("plans:invitation_list"), {"export": "xlsx"})
    assert res.status_code == 200 and "spreadsheet" in res["Content-Type"]
    client.force_login(alice)
    assert reverse("plans:invitation_list") in client.get(reverse("plans:inspection_list")).content.decode()


def test_list_page_query_count_does_not_grow(client, alice, agency_a):
    client.force_login(alice)
    _inv(alice, agency_a)
    client.get(reverse("plans:invitation_list"))
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("plans:invitation_list"))
    for _ in range(5):
        _inv(alice, agency_a)
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("plans:invitation_list"))
    assert len(many) == len(few)


def test_public_page_lets_the_enterprise_accept_with_its_uscc(client, alice, agency_a):
    """GIVEN a proposed invitation WHEN the enterprise opens its link (no login) and answers with a
    wrong uscc THEN nothing changes; with its own uscc THEN the invitation is accepted."""
    inv = _inv(alice, agency_a)
    url = reverse("plans:public_invitation", args=[invitation_public_token(inv)])
    page = client.get(url)
    assert page.status_code == 200 and "食品安全政策宣讲" in page.content.decode()
    res = client.post(url, {"uscc": EnterpriseFactory().uscc, "answer": "accept"})
    assert res.status_code == 200 and "统一社会信用代码与受邀企业不一致" in res.content.decode()
    assert Invitation.objects.get(pk=inv.pk).status == "proposed"
    res = client.post(url, {"uscc": inv.enterprise.uscc, "answer": "decline", "reason": "生产繁忙"})
    assert res.status_code == 302
    after = client.get(res.url).content.decode()
    assert "您的答复已提交" in after and "企业已拒绝" in after and "提交答复" not in after


def test_public_page_with_a_forged_token_is_404(client, alice, agency_a):
    inv = _inv(alice, agency_a)
    res = client.get(reverse("plans:public_invitation", args=[f"{inv.pk}-{'a' * 20}"]))
    assert res.status_code == 404 and "无此邀约" in res.content.decode()

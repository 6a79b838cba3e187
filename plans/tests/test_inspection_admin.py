"""Admin for inspections, participations, gate refusals, triggered filings and invitations: read-only;
actions call the services and show refusals (rule messages) with message_user."""
from datetime import date

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from plans.models import GateRefusal, Inspection, Invitation
from plans.services.invitations import invitation_create
from subjects.tests.factories import UserFactory

from .factories import EnterpriseFactory, make_inspection

pytestmark = pytest.mark.django_db


@pytest.fixture
def root(db):
    return UserFactory(username="root", role="reviewer", is_superuser=True, is_staff=True)


def _msgs(res):
    return [str(m) for m in get_messages(res.wsgi_request)]


def test_changelists_and_detail_render(client, root, agency_a):
    insp = make_inspection(agency=agency_a, kind="triggered")
    GateRefusal.objects.create(inspection=insp, agency=agency_a, stage="approve", code="too_few_inspectors",
                               message="人数不足")
    client.force_login(root)
    for name in ("inspection", "participation", "gaterefusal", "triggeredfiling", "invitation"):
        assert client.get(reverse(f"admin:plans_{name}_changelist")).status_code == 200, name
    assert client.get(reverse("admin:plans_inspection_change", args=[insp.pk])).status_code == 200
    assert client.get(reverse("admin:plans_inspection_add")).status_code == 403


def test_approve_action_runs_the_service_and_its_gates(client, root, agency_a):
    """Approval belongs to the initiating agency's admin (the service says so to anyone else); for an
    agency admin with admin access the gates run and each refusal is shown."""
    clean = make_inspection(agency=agency_a)
    unnotified = make_inspection(agency=agency_a, notified_at=None, notice_method="")
    url = reverse("admin:plans_inspection_changelist")
    client.force_login(root)
    res = client.post(url, {"action": "approve_inspections", "_selected_action": [clean.pk]})
    assert any("只有发起单位的单位管理员可以审批检查" in m for m in _msgs(res))
    head = UserFactory(username="head", role="agency_admin", agency=agency_a, is_superuser=True, is_staff=True)
    client.force_login(head)
    res = client.post(url, {"action": "approve_inspections", "_selected_action": [clean.pk, unnotified.pk]})
    assert Inspection.objects.get(pk=clean.pk).status == "approved"
    assert Inspection.objects.get(pk=unnotified.pk).status == "draft"
    assert any("预先告知" in m for m in _msgs(res))


def test_cancel_action_asks_for_a_reason(client, root, agency_a):
    insp = make_inspection(agency=agency_a)
    url = reverse("admin:plans_inspection_changelist")
    client.force_login(root)
    res = client.post(url, {"action": "cancel_inspections", "_selected_action": [insp.pk]})
    assert res.status_code == 200 and "取消原因" in res.content.decode()
    res = client.post(url, {"action": "cancel_inspections", "_selected_action": [insp.pk], "apply": "1", "reason": ""})
    assert any("请说明取消原因" in m for m in _msgs(res))
    client.post(url, {"action": "cancel_inspections", "_selected_action": [insp.pk], "apply": "1",
                      "reason": "企业已注销"})
    assert Inspection.objects.get(pk=insp.pk).status == "cancelled"


def test_invitation_action_refuses_a_visit_the_enterprise_did_not_accept(client, root, alice, agency_a):
    inv = invitation_create(by=alice, enterprise=EnterpriseFactory(), agency=agency_a, activity="guidance",
                            date=date.today(), purpose="行政指导")
    client.force_login(root)
    res = client.post(reverse("admin:plans_invitation_changelist"),
                      {"action": "register_visits", "_selected_action": [inv.pk]})
    assert any("企业尚未同意该邀约" in m for m in _msgs(res))
    assert Invitation.objects.get(pk=inv.pk).status == "proposed"

"""Admin: 检查码 side read-only; revoking asks for a reason and goes through `checkcode_revoke`,
whose refusals show as admin messages."""
import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from checkcode.models import CheckCode
from checkcode.services import checkcode_issue, evaluation_submit, result_record
from subjects.tests.factories import UserFactory

from .factories import approved_inspection

pytestmark = pytest.mark.django_db


@pytest.fixture
def root(db):
    return UserFactory(username="root", role="reviewer", is_superuser=True, is_staff=True)


def _msgs(res):
    return [str(m) for m in get_messages(res.wsgi_request)]


def test_changelists_render_read_only(client, root, alice, agency_a):
    insp = approved_inspection(agency=agency_a)
    code = checkcode_issue(inspection=insp, issued_by=alice)
    pdf = SimpleUploadedFile("台账.pdf", b"%PDF-1.4\n")
    result = result_record(inspection=insp, by=alice, outcome="rectification", findings="台账不全", documents=[pdf],
                           rectification={"items": ["补齐台账"], "deadline": insp.date})
    evaluation_submit(code=code, uscc=insp.enterprise.uscc, rating=4, code_shown=True, notified_in_advance=True)
    client.force_login(root)
    for name in ("checkcode", "inspectionresult", "rectification", "evaluation"):
        assert client.get(reverse(f"admin:checkcode_{name}_changelist")).status_code == 200, name
    assert client.get(reverse("admin:checkcode_checkcode_change", args=[code.pk])).status_code == 200
    page = client.get(reverse("admin:checkcode_inspectionresult_change", args=[result.pk])).content.decode()
    assert "台账.pdf" in page and "/media/uploads/" not in page  # listed, never linked through /media/
    assert client.get(reverse("admin:checkcode_checkcode_add")).status_code == 403


def test_revoke_action_asks_for_a_reason_then_calls_the_service(client, root, alice, agency_a):
    """GIVEN an issued code WHEN the admin picks "revoke" THEN a reason page appears; WHEN confirmed
    without a reason THEN the service refuses and says why; WITH a reason THEN the code is revoked."""
    code = checkcode_issue(inspection=approved_inspection(agency=agency_a), issued_by=alice)
    client.force_login(root)
    url = reverse("admin:checkcode_checkcode_changelist")
    res = client.post(url, {"action": "revoke_codes", "_selected_action": [code.pk]})
    assert res.status_code == 200 and "撤销原因" in res.content.decode()
    res = client.post(url, {"action": "revoke_codes", "_selected_action": [code.pk], "apply": "1", "reason": ""})
    assert any("撤销检查码须说明原因" in m for m in _msgs(res))
    assert CheckCode.objects.get(pk=code.pk).status == "issued"
    res = client.post(url, {"action": "revoke_codes", "_selected_action": [code.pk], "apply": "1",
                            "reason": "企业停产，检查改期"})
    code.refresh_from_db()
    assert code.status == "revoked" and code.revoked_reason == "企业停产，检查改期"
    res = client.post(url, {"action": "revoke_codes", "_selected_action": [code.pk], "apply": "1", "reason": "再撤"})
    assert any("不能撤销" in m for m in _msgs(res))

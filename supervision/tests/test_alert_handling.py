"""Alerts link to what they are about and can be handled in bulk (issue 15 "Alert rows link to what they
are about; alerts can be handled in bulk")."""
import re

import pytest

from jiujiang_inspect.models import Alert, AuditEntry
from supervision.tests.factories import AlertFactory, EnterpriseFactory, InspectionFactory

pytestmark = pytest.mark.django_db


def test_alert_rows_link_to_their_object_or_their_enterprise(client, rita, agency_a):
    from django.contrib.contenttypes.models import ContentType

    inspection = InspectionFactory(initiating_agency=agency_a)
    firm = EnterpriseFactory()
    AlertFactory(agency=agency_a, title="检查过频", target_type=ContentType.objects.get_for_model(inspection),
                 target_id=str(inspection.pk))
    AlertFactory(agency=agency_a, title="企业被多次检查", enterprise_uscc=firm.uscc)
    client.force_login(rita)
    html = client.get("/supervision/alerts/").content.decode()
    assert f'<a href="/plans/inspections/{inspection.pk}/">检查过频</a>' in html
    assert f'<a href="/plans/enterprises/{firm.uscc}/">企业被多次检查</a>' in html


def test_checked_alerts_are_handled_at_once_with_one_note_and_each_audited(client, rita, agency_a):
    picked = AlertFactory.create_batch(3, agency=agency_a)
    untouched = AlertFactory(agency=agency_a)
    client.force_login(rita)
    res = client.post("/supervision/alerts/bulk/", {"alert": [a.pk for a in picked], "action": "resolved",
                                                    "note": "已约谈相关单位", "next": "/supervision/alerts/?status=open"})
    assert res.status_code == 302 and res["Location"] == "/supervision/alerts/?status=open"
    assert set(Alert.objects.filter(status="resolved").values_list("pk", flat=True)) == {a.pk for a in picked}
    assert Alert.objects.get(pk=untouched.pk).status == "open"
    assert AuditEntry.objects.filter(action="alert.resolved", reason="已约谈相关单位").count() == 3
    page = re.sub(r"<[^>]+>", "", client.get(res["Location"]).content.decode())
    assert "已处理 3 条预警" in page


def test_a_bulk_resolution_without_a_note_changes_nothing_and_says_why(client, rita, agency_a):
    picked = AlertFactory.create_batch(2, agency=agency_a)
    client.force_login(rita)
    res = client.post("/supervision/alerts/bulk/", {"alert": [a.pk for a in picked], "action": "resolved"},
                      follow=True)
    assert "处理预警须填写处理说明" in res.content.decode()
    assert not Alert.objects.filter(status="resolved").exists()


def test_already_resolved_alerts_are_skipped_and_counted(client, rita, agency_a):
    done = AlertFactory(agency=agency_a, status="resolved")
    fresh = AlertFactory(agency=agency_a)
    client.force_login(rita)
    res = client.post("/supervision/alerts/bulk/", {"alert": [done.pk, fresh.pk], "action": "acknowledged"},
                      follow=True)
    assert "已处理 1 条预警，1 条状态不允许，未改动" in res.content.decode()
    assert Alert.objects.get(pk=fresh.pk).status == "acknowledged"


def test_only_reviewers_handle_alerts_and_next_stays_local(client, anna, rita, agency_a):
    alert = AlertFactory(agency=agency_a)
    client.force_login(anna)
    assert client.post("/supervision/alerts/bulk/", {"alert": [alert.pk], "action": "acknowledged"}).status_code == 403
    client.force_login(rita)
    res = client.post("/supervision/alerts/bulk/", {"alert": [alert.pk], "action": "acknowledged",
                                                    "next": "https://evil.example/"})
    assert res["Location"] == "/supervision/alerts/"

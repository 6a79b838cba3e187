"""Outbound events of 检查码 and results (issue 14): to subscribers (webhook), to the city 检查码 system
as a 检查任务 record (checkcode/city.py), and the rectification SMS to the enterprise's contact phone."""
import json
from datetime import date, timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from checkcode.services import (
    checkcode_issue,
    checkcode_issue_late,
    checkcode_revoke,
    rectification_sweep,
    result_record,
)
from jiujiang_inspect.models import OutboundMessage, WebhookSubscription
from plans.models import Inspection
from plans.tests.factories import make_inspection

from .factories import approved_inspection

pytestmark = pytest.mark.django_db


def events(channel="webhook"):
    return list(OutboundMessage.objects.filter(channel=channel).order_by("id").values_list("event", flat=True))


def test_issuing_a_code_costs_the_outbox_one_insert_and_no_read(alice, agency_a):
    insp = approved_inspection(agency=agency_a)
    with CaptureQueriesContext(connection) as ctx:
        code = checkcode_issue(inspection=insp, issued_by=alice)
    outbox = [q["sql"] for q in ctx.captured_queries if "outboundmessage" in q["sql"].lower()
              or "webhooksubscription" in q["sql"].lower()]
    assert len(outbox) == 1 and outbox[0].upper().startswith("INSERT")
    webhook = OutboundMessage.objects.get(channel="webhook")
    assert (webhook.event, webhook.object_key, webhook.payload["code"]) == (
        "check_code.issued", f"check_code:{code.pk}", code.code)
    assert webhook.payload["verify_url"].endswith(f"/c/{code.code}/") or code.code in webhook.payload["verify_url"]
    assert OutboundMessage.objects.get(channel="city_checkcode").event == "check_code.issued"


def test_late_code_revocation_and_result_are_published(alice, agency_a):
    late = approved_inspection(agency=agency_a, day=date.today() - timedelta(days=2), notified_at=None,
                               notice_method="")
    checkcode_issue_late(inspection=late, issued_by=alice, reason="危化品泄漏紧急处置")
    insp = approved_inspection(agency=agency_a, day=date.today() + timedelta(days=2))
    code = checkcode_issue(inspection=insp, issued_by=alice)
    checkcode_revoke(code=code, by=alice, reason="企业停产")
    result_record(inspection=late, by=alice, outcome="no_issue", findings="未发现问题")
    assert events() == ["check_code.late", "check_code.issued", "check_code.revoked", "inspection.result_recorded"]
    assert events("city_checkcode") == events()
    revoked = OutboundMessage.objects.get(event="check_code.revoked", channel="webhook")
    assert revoked.payload["status"] == "revoked"
    recorded = OutboundMessage.objects.get(event="inspection.result_recorded", channel="webhook")
    assert (recorded.payload["inspection"], recorded.payload["outcome"]) == (late.pk, "no_issue")


def test_the_city_receives_a_signed_task_record_with_certificates_and_bases(
        alice, agency_a, webhook_receiver, settings, django_capture_on_commit_callbacks):
    settings.OUTBOX_CHANNELS = {**settings.OUTBOX_CHANNELS, "city_checkcode": {
        "adapter": "signed_post", "url": webhook_receiver.url, "secret": "city-secret", "timeout": 2}}
    insp = approved_inspection(agency=agency_a)
    with django_capture_on_commit_callbacks(execute=True):
        code = checkcode_issue(inspection=insp, issued_by=alice)
    assert OutboundMessage.objects.get(channel="city_checkcode").status == "delivered"
    assert OutboundMessage.objects.get(channel="webhook").status == "not_sent"  # nobody subscribes
    [(headers, body)] = webhook_receiver.accepted
    record = json.loads(body)["data"]
    part = insp.participations.get()
    assert record["task_id"] == f"JJ-{insp.pk}" and record["check_code"] == code.code
    assert record["enterprise"]["uscc"] == insp.enterprise.uscc
    assert {i["certificate_number"] for i in record["agencies"][0]["inspectors"]} == {
        i.certificate.number for i in part.inspectors.all()}
    matter = part.matters.get()
    assert record["agencies"][0]["matters"][0]["code"] == matter.code
    assert len(record["agencies"][0]["matters"][0]["legal_bases"]) == matter.legal_bases.count()
    assert headers["X-Jiujiang-Signature"].startswith("sha256=")


def test_subscribers_get_code_events_in_order(alice, agency_a, webhook_receiver,
                                              django_capture_on_commit_callbacks):
    WebhookSubscription.objects.create(name="智慧督", url=webhook_receiver.url, events=["check_code.issued",
                                       "check_code.revoked"], secret="s")
    insp = approved_inspection(agency=agency_a, day=date.today() + timedelta(days=2))
    with django_capture_on_commit_callbacks(execute=True):
        code = checkcode_issue(inspection=insp, issued_by=alice)
    with django_capture_on_commit_callbacks(execute=True):
        checkcode_revoke(code=code, by=alice, reason="企业停产")
    got = [json.loads(b) for _h, b in webhook_receiver.accepted]
    assert [(g["event"], g["data"]["code"]) for g in got] == [("check_code.issued", code.code),
                                                             ("check_code.revoked", code.code)]


def test_rectification_due_and_overdue_send_one_sms_each_to_the_contact_phone(alice, agency_a):
    insp = approved_inspection(agency=agency_a, day=date.today())
    insp.enterprise.contact_phone = "13912345678"
    insp.enterprise.save()
    checkcode_issue(inspection=insp, issued_by=alice)
    result_record(inspection=insp, by=alice, outcome="rectification", findings="台账不全",
                  rectification={"items": ["整改台账"], "deadline": date.today() + timedelta(days=5)})
    rectification_sweep(today=date.today() + timedelta(days=2))
    rectification_sweep(today=date.today() + timedelta(days=3))
    with time_machine.travel(timezone.now() + timedelta(days=6)):
        rectification_sweep(today=date.today() + timedelta(days=6))
        rectification_sweep(today=date.today() + timedelta(days=7))
    sms = list(OutboundMessage.objects.filter(channel="sms", event__startswith="rectification").order_by("id"))
    assert [m.event for m in sms] == ["rectification.due", "rectification.overdue"]
    assert {m.recipient for m in sms} == {"13912345678"}
    assert "到期" in sms[0].payload["text"] and "逾期" in sms[1].payload["text"]
    assert all(len(m.payload["text"]) <= 300 for m in sms)


def test_triggered_filing_created_and_withdrawn_reach_subscribers_with_the_filing(
        alice, agency_a, webhook_receiver, django_capture_on_commit_callbacks):
    WebhookSubscription.objects.create(name="智慧督", url=webhook_receiver.url, secret="s",
                                       events=["triggered_filing.created", "triggered_filing.withdrawn"])
    insp = make_inspection(agency=agency_a, kind=Inspection.Kind.TRIGGERED, status="approved",
                           day=date.today() + timedelta(days=2))
    with django_capture_on_commit_callbacks(execute=True):
        code = checkcode_issue(inspection=insp, issued_by=alice)
    with django_capture_on_commit_callbacks(execute=True):
        checkcode_revoke(code=code, by=alice, reason="企业停产，检查取消")
    got = [json.loads(b) for _h, b in webhook_receiver.accepted]
    assert [g["event"] for g in got] == ["triggered_filing.created", "triggered_filing.withdrawn"]
    assert got[0]["data"]["inspection"] == insp.pk and got[0]["data"]["enterprise"] == insp.enterprise.uscc
    assert got[1]["data"]["status"] == "withdrawn"


def test_advance_notice_sms_has_day_basis_method_and_code_link_unless_exempt(
        alice, agency_a, settings, tmp_path, django_capture_on_commit_callbacks):
    outbox_file = tmp_path / "sms.jsonl"
    settings.OUTBOX_CHANNELS = {**settings.OUTBOX_CHANNELS, "sms": {"adapter": "sms", "backend": "file",
                                                                   "path": str(outbox_file)}}
    insp = approved_inspection(agency=agency_a, day=date.today() + timedelta(days=2))
    insp.enterprise.contact_phone = "13912345678"
    insp.enterprise.save()
    with django_capture_on_commit_callbacks(execute=True):
        code = checkcode_issue(inspection=insp, issued_by=alice)
    [sms] = [json.loads(line) for line in outbox_file.read_text(encoding="utf-8").splitlines()]
    basis = insp.participations.get().matters.get().legal_bases.first()
    assert sms["phone"] == "13912345678" and sms["event"] == "inspection.advance_notice"
    assert f"{insp.date:%Y年%m月%d日}" in sms["text"] and basis.title in sms["text"]
    assert "电话告知" in sms["text"] and code.code in sms["text"] and len(sms["text"]) <= 300
    assert OutboundMessage.objects.get(channel="sms").status == "delivered"

    exempt = approved_inspection(agency=agency_a, notice_exempt_reason="突击检查：事先告知将影响检查效果")
    checkcode_issue(inspection=exempt, issued_by=alice)
    assert OutboundMessage.objects.filter(channel="sms").count() == 1


def test_without_a_contact_phone_the_notice_is_recorded_not_sent(alice, agency_a, django_capture_on_commit_callbacks):
    insp = approved_inspection(agency=agency_a)
    insp.enterprise.contact_phone = ""
    insp.enterprise.save()
    with django_capture_on_commit_callbacks(execute=True):
        checkcode_issue(inspection=insp, issued_by=alice)
    sms = OutboundMessage.objects.get(channel="sms")
    assert (sms.status, sms.last_error) == ("not_sent", "企业未登记联系电话")

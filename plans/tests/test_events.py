"""Outbound events of plans, triggered filings, monthly summaries and blocks (issue 14; docs/api.md
"Webhooks"): each service writes its message with the change; `data` is the object as the API shows it."""
from datetime import date, timedelta

import pytest

from jiujiang_inspect.models import OutboundMessage
from plans.models import MonthlyFilingSummary
from plans.services.annual_plans import plan_file, plan_publish
from plans.services.blocks import block_create, block_override, block_withdraw
from plans.services.filing_summaries import filing_summary_confirm
from plans.tests.factories import AnnualPlanFactory, EnterpriseFactory

pytestmark = pytest.mark.django_db


def webhook(event):
    return OutboundMessage.objects.get(channel="webhook", event=event)


def test_plan_filed_and_published(rita, agency_a):
    plan = AnnualPlanFactory(lead_agency=agency_a, status="submitted")
    plan_file(plan=plan, by=rita)
    plan_publish(plan=plan, by=rita)
    filed, published = webhook("plan.filed"), webhook("plan.published")
    assert filed.object_key == published.object_key == f"plan:{plan.pk}"
    assert (filed.payload["status"], published.payload["status"]) == ("filed", "published")
    assert published.payload["lead_agency"] == agency_a.code


def test_monthly_summary_confirmed(anna, agency_a):
    summary = MonthlyFilingSummary.objects.create(agency=agency_a, month="2025-03", total=2,
                                                  counts_by_source={"complaint": 2})
    filing_summary_confirm(summary=summary, by=anna)
    data = webhook("filing_summary.confirmed").payload
    assert (data["agency"], data["month"], data["total"]) == (agency_a.code, "2025-03", 2)
    assert data["confirmed_at"]


def test_block_created_overridden_and_expired(rita, agency_a):
    firm = EnterpriseFactory()
    block = block_create(enterprise=firm, rule="manual", reason="多次投诉核查", starts_on=date.today(), by=rita)
    block_override(block=block, by=rita, reason="经复核可以检查")
    other = block_create(enterprise=firm, rule="triggered_frequency", reason="触发过频", starts_on=date.today(),
                         agency=agency_a, source="audit:2025-03")
    block_withdraw(block=other)
    assert list(OutboundMessage.objects.order_by("id").values_list("event", "object_key")) == [
        ("block.created", f"block:{block.pk}"), ("block.overridden", f"block:{block.pk}"),
        ("block.created", f"block:{other.pk}"), ("block.expired", f"block:{other.pk}")]
    assert webhook("block.overridden").payload["status"] == "overridden"
    assert webhook("block.expired").payload["enterprise"] == firm.uscc


def test_an_invitation_sends_the_enterprise_its_public_link(anna, agency_a, client):
    from plans.services.invitations import invitation_create

    firm = EnterpriseFactory(contact_phone="13800001111")
    inv = invitation_create(by=anna, enterprise=firm, agency=agency_a, activity="guidance",
                            date=date.today() + timedelta(days=3), purpose="安全生产政策宣讲")
    sms = OutboundMessage.objects.get(channel="sms", event="invitation.sent")
    assert sms.recipient == "13800001111" and "行政指导" in sms.payload["text"]
    path = "/" + sms.payload["link"].split("://", 1)[1].split("/", 1)[1]
    assert client.get(path).status_code == 200  # the link opens the enterprise's invitation page
    assert sms.payload["link"] in sms.payload["text"] and len(sms.payload["text"]) <= 300
    invitation_create(by=anna, enterprise=firm, agency=agency_a, activity="research", date=inv.date,
                      purpose="企业调研", invited_by_enterprise=True)  # the firm asked: nothing to send
    assert OutboundMessage.objects.filter(channel="sms").count() == 1

"""Outbound events of supervision cases and 12345 tickets (issue 14): to 智慧督 (webhook) and, for a case
from a 12345 ticket, to the 12345 channel; closing such a case closes the ticket with the outcome as
its reply (办结), which reaches 12345."""
import json
from datetime import date

import pytest

from jiujiang_inspect.models import OutboundMessage
from supervision.models import HotlineTicket
from supervision.services.cases import case_close, case_create, case_measure_add
from supervision.services.hotline import hotline_ticket_close, hotline_ticket_open_case

from .factories import HotlineTicketFactory

pytestmark = pytest.mark.django_db


def sent(channel):
    return list(OutboundMessage.objects.filter(channel=channel).order_by("id").values_list("event", flat=True))


def test_case_opened_measure_and_closed_reach_the_platform(rita, agency_a):
    case = case_create(by=rita, source="inspection", agency=agency_a, title="未亮码检查", problem="执法人员未亮码")
    case_measure_add(case=case, by=rita, kind="correction", date=date.today())
    case_close(case=case, by=rita, outcome="已整改")
    assert sent("webhook") == ["case.opened", "case.measure_added", "case.closed"]
    closed = OutboundMessage.objects.get(event="case.closed")
    assert (closed.payload["status"], closed.payload["outcome"]) == ("closed", "已整改")
    assert closed.payload["measures"][0]["kind"] == "correction"
    assert sent("hotline") == []


def test_a_hotline_case_closing_closes_the_ticket_and_reports_to_12345(
        rita, agency_a, settings, webhook_receiver, django_capture_on_commit_callbacks):
    settings.OUTBOX_CHANNELS = {**settings.OUTBOX_CHANNELS, "hotline": {
        "adapter": "signed_post", "url": webhook_receiver.url, "secret": "12345-secret", "timeout": 2}}
    ticket = HotlineTicketFactory(agency=agency_a)
    with django_capture_on_commit_callbacks(execute=True):
        case = hotline_ticket_open_case(ticket=ticket, by=rita)
    with django_capture_on_commit_callbacks(execute=True):
        case_close(case=case, by=rita, outcome="已责令改正并回复来电人")
    ticket.refresh_from_db()
    assert (ticket.status, ticket.close_reason) == (HotlineTicket.Status.CLOSED, "已责令改正并回复来电人")
    assert sent("webhook") == ["case.opened", "case.closed", "hotline_ticket.closed"]
    got = [json.loads(b)["data"] for _h, b in webhook_receiver.accepted]
    assert [(g["external_id"], g["status"]) for g in got] == [(ticket.external_id, "case_opened"),
                                                             (ticket.external_id, "closed")]
    assert got[1]["reply"] == "已责令改正并回复来电人"


def test_a_ticket_closed_without_a_case_reports_its_reply(rita):
    ticket = HotlineTicketFactory()
    hotline_ticket_close(ticket=ticket, by=rita, reason="不属于行政检查事项，已告知来电人")
    message = OutboundMessage.objects.get(channel="hotline")
    assert (message.event, message.payload["reply"]) == ("hotline_ticket.closed", "不属于行政检查事项，已告知来电人")


def test_tickets_become_cases_through_the_api_and_the_case_close_answers_the_ticket(api, rita, agency_a,
                                                                                   platform_secret):
    ticket = HotlineTicketFactory(agency=agency_a)
    assert api(secret=platform_secret).post(f"/api/v1/hotline-tickets/{ticket.pk}/open-case/", {},
                                            format="json").status_code == 403
    client = api(rita)
    res = client.post(f"/api/v1/hotline-tickets/{ticket.pk}/open-case/", {"title": "多次上门检查"}, format="json")
    assert res.status_code == 201, res.json()
    case = res.json()
    assert (case["hotline_ticket"], case["agency"], case["title"]) == (ticket.external_id, agency_a.code, "多次上门检查")
    again = client.post(f"/api/v1/hotline-tickets/{ticket.pk}/open-case/", {}, format="json")
    assert again.status_code == 409 and again.json()["code"] == "invalid_state"
    res = client.patch(f"/api/v1/supervision-cases/{case['id']}/", {"status": "closed", "outcome": "已约谈整改"},
                       format="json")
    assert res.status_code == 200, res.json()
    got = client.get(f"/api/v1/hotline-tickets/{ticket.pk}/").json()
    assert (got["status"], got["close_reason"]) == ("closed", "已约谈整改")
    other = HotlineTicketFactory()
    res = client.post(f"/api/v1/hotline-tickets/{other.pk}/close/", {"reason": "非行政检查事项"}, format="json")
    assert res.status_code == 200 and res.json()["status"] == "closed"

"""Outbound events of supervision cases and 12345 tickets (issue 14; docs/api.md "Webhooks"): the case as
/supervision-cases/ returns it to 智慧督 (webhook); for a case from a 12345 ticket, the same news on the
`hotline` channel (12345: ticket number, status, reply), and the ticket's `hotline_ticket.closed`."""
from django.utils import timezone

from jiujiang_inspect.outbox import Outgoing, outbox_publish

from .serializers import HotlineTicketSerializer, SupervisionCaseSerializer

HOTLINE = "hotline"


def _hotline(ticket, *, status: str, reply: str = "") -> Outgoing:
    return Outgoing(channel=HOTLINE, object_key=f"hotline_ticket:{ticket.pk}", payload={
        "external_id": ticket.external_id, "status": status, "reply": reply, "at": timezone.now()})


def case_event_publish(event: str, case) -> None:
    ticket = case.hotline_ticket
    extra = []
    if ticket is not None and event != "case.closed":  # the close reaches 12345 as the ticket's 办结
        extra.append(_hotline(ticket, status="case_opened" if event == "case.opened" else "in_progress",
                              reply=case.title))
    outbox_publish(event, key=f"case:{case.pk}", data=SupervisionCaseSerializer(case).data, extra=extra)


def hotline_closed_publish(ticket) -> None:
    """hotline_ticket.closed: to subscribers, and the outcome and reply to 12345 (办结)."""
    outbox_publish("hotline_ticket.closed", key=f"hotline_ticket:{ticket.pk}",
                   data=HotlineTicketSerializer(ticket).data,
                   extra=[_hotline(ticket, status="closed", reply=ticket.close_reason)])

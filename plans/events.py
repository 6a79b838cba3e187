"""Outbound events of plans, triggered filings, monthly summaries and blocks (issue 14; docs/api.md
"Webhooks"): one publish call per service. `data` is the object as its API returns it; a triggered
filing's is built when it is delivered (it is filed inside the 检查码 issuance, which must not read more)."""
from jiujiang_inspect.outbox import Outgoing, outbox_publish, outbox_publish_many

from .models import TriggeredFiling
from .serializers import AnnualPlanSerializer, BlockBriefSerializer, TriggeredFilingSerializer

FILING_EVENTS = ("triggered_filing.created", "triggered_filing.withdrawn")


def plan_event_publish(event: str, plan) -> None:
    outbox_publish(event, key=f"plan:{plan.pk}", data=AnnualPlanSerializer(plan).data)


def filing_event_publish(event: str, filing, *, events: list | None = None) -> None:
    """Publish now, or, given `events`, append the message for the caller to publish with its own."""
    message = Outgoing(channel="webhook", event=event, object_key=f"triggered_filing:{filing.pk}",
                       payload={"id": filing.pk})
    if events is not None:
        events.append(message)
    else:
        outbox_publish(event, key=message.object_key, data=None, extra=[message])


def filing_render(message) -> dict:
    """Renderer of the triggered-filing events (registered in PlansConfig.ready)."""
    filing = TriggeredFiling.objects.select_related("agency", "enterprise").get(pk=message.payload["id"])
    return TriggeredFilingSerializer(filing).data


def filing_summary_event_publish(summary) -> None:
    """filing_summary.confirmed: the row as /filing-summaries/ returns it."""
    outbox_publish("filing_summary.confirmed", key=f"filing_summary:{summary.pk}", data={
        "id": summary.pk, "agency": summary.agency.code, "month": summary.month,
        "counts_by_source": summary.counts_by_source, "total": summary.total, "warnings": summary.warnings,
        "blocks": summary.blocks, "confirmed_by": str(summary.confirmed_by) if summary.confirmed_by else None,
        "confirmed_at": summary.confirmed_at, "updated_at": summary.updated_at})


def _block_data(block) -> dict:
    return dict(BlockBriefSerializer(block).data, enterprise=block.enterprise.uscc)


def block_event_publish(event: str, block) -> None:
    outbox_publish(event, key=f"block:{block.pk}", data=_block_data(block))


def blocks_event_publish(event: str, blocks) -> None:
    """One event per block of a set-based run (audit), in one INSERT: load `enterprise` and `agency`."""
    outbox_publish_many([(event, f"block:{b.pk}", _block_data(b), ()) for b in blocks])


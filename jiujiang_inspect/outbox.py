"""The outbox (issue 14): one publish function every service calls; delivery, retry, order, replay.

- `outbox_publish` writes the messages of one event in the caller's transaction (one INSERT), and
  queues their delivery on commit: a rolled-back change sends nothing, a committed one is never lost.
- `outbox_deliver` (Celery task `outbox_deliver_task`) claims a message by a conditional UPDATE with a
  lease, so a redelivered task (Redis visibility timeout) or two workers never send it twice at once.
  Delivery is at-least-once: every send carries the message id as `Idempotency-Key`.
- Order per object: a message waits while an earlier message of the same channel and object is not
  delivered (pending, or parked as failed until a reviewer replays it); finishing one queues the next.
- Failures retry with exponential backoff and jitter (OUTBOX_RETRY_BASE_SECONDS doubling up to
  OUTBOX_RETRY_MAX_SECONDS, ×0.5–1.5), until OUTBOX_RETRY_HORIZON_SECONDS after the event: then the
  message is parked as `failed`. `outbox_pump` (beat, every OUTBOX_PUMP_SECONDS) re-queues due
  messages whose task was lost; `outbox_sweep` (daily) raises an alert for failed or stuck messages.
- A channel that is not configured, or has no receiver, records the message as `not_sent`.
"""
import json
import logging
import random
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from .alerts import alert_raise
from .api import local_times
from .audit import audit_record
from .channels import DeliveryError, NotSent, channel_for
from .models import Alert, OutboundMessage

log = logging.getLogger(__name__)

DONE = (OutboundMessage.Status.DELIVERED, OutboundMessage.Status.NOT_SENT)

EVENTS = (
    "plan.filed", "plan.published", "triggered_filing.created", "triggered_filing.withdrawn",
    "filing_summary.confirmed", "block.created", "block.overridden", "block.expired",
    "check_code.issued", "check_code.revoked", "check_code.late", "inspection.result_recorded",
    "case.opened", "case.measure_added", "case.correction_reported", "case.closed", "hotline_ticket.closed",
)
# Events sent on other channels only (SMS, e-mail, 12345), never to webhook subscriptions.
OTHER_EVENTS = ("rectification.due", "rectification.overdue", "inspection.advance_notice", "invitation.sent",
                "enterprise.verification_code", "user.initial_password",
                "outbox.undelivered")
# What people read for each event (the reviewer's 外发消息 and 事件订阅 pages); the code stays in the API.
EVENT_LABELS = {
    "plan.filed": "检查计划报备", "plan.published": "检查计划公布", "triggered_filing.created": "触发式检查备案",
    "triggered_filing.withdrawn": "触发式检查备案撤回", "filing_summary.confirmed": "按月汇总确认",
    "block.created": "阻断", "block.overridden": "解除阻断", "block.expired": "阻断结束",
    "check_code.issued": "检查码赋码", "check_code.revoked": "检查码撤销", "check_code.late": "事后补码",
    "inspection.result_recorded": "检查结果录入", "case.opened": "监督案件立案", "case.measure_added": "监督措施",
    "case.correction_reported": "整改报告提交", "case.closed": "监督案件办结", "hotline_ticket.closed": "12345工单办结",
    "rectification.due": "整改即将到期短信", "rectification.overdue": "整改逾期短信",
    "inspection.advance_notice": "检查前告知短信", "invitation.sent": "邀约短信",
    "enterprise.verification_code": "企业验证码短信", "user.initial_password": "初始密码短信",
    "outbox.undelivered": "外发失败提醒",
}


def event_label(event: str) -> str:
    """The Chinese name of an event (its code when it has none)."""
    return EVENT_LABELS.get(event, event)


# Messages that carry a secret (a one-time code, an initial password): once delivered, their text is no
# longer kept, and a replay cannot send it again (ask for a new code, reset the password).
SECRET_EVENTS = ("enterprise.verification_code", "user.initial_password")
REDACTED = {"text": "（含验证码或初始密码，发送后不保留）"}


RENDERERS = {}  # channel or event -> function(message) -> payload, registered in the app's AppConfig.ready()


def outbox_renderer_register(channel_or_event: str, render) -> None:
    """Let an app build a channel's (or an event's) payload at delivery time from the current records (the
    city 检查码 system's 检查任务 record, checkcode/city.py; a triggered filing filed while a 检查码 is
    issued): publishing then costs no read on a hot path, only the INSERT."""
    RENDERERS[channel_or_event] = render


@dataclass
class Outgoing:
    """One more message of an event on another channel (city 检查码 system, SMS, e-mail, 12345)."""

    channel: str
    payload: dict
    recipient: str = ""
    object_key: str = ""
    event: str = ""


@dataclass
class _Config:
    base: float = field(default_factory=lambda: float(getattr(settings, "OUTBOX_RETRY_BASE_SECONDS", 30)))
    cap: float = field(default_factory=lambda: float(getattr(settings, "OUTBOX_RETRY_MAX_SECONDS", 3600)))
    horizon: float = field(default_factory=lambda: float(getattr(settings, "OUTBOX_RETRY_HORIZON_SECONDS", 86400)))
    lease: float = field(default_factory=lambda: float(getattr(settings, "OUTBOX_CLAIM_SECONDS", 120)))


def _jsonable(data):
    return json.loads(json.dumps(local_times(data), cls=DjangoJSONEncoder, ensure_ascii=False))


def outbox_publish(event: str, *, key: str, data: dict | None, extra=()) -> list[OutboundMessage]:
    """Record event `event` about object `key` (e.g. "check_code:42"): a `webhook` message carrying
    `data` (the object as its API returns it; None = no webhook message), plus the `extra` Outgoing
    messages. One INSERT, in the caller's transaction; delivery is queued when it commits."""
    return outbox_publish_many([(event, key, data, extra)])


def outbox_publish_many(events) -> list[OutboundMessage]:
    """`outbox_publish` for many events of one set-based service (an audit run's blocks): `events` are
    (event, key, data, extra) tuples, written in one INSERT per 1,000 messages, in order."""
    now = timezone.now()
    rows = []
    for event, key, data, extra in events:
        if data is not None:
            rows.append(OutboundMessage(channel=OutboundMessage.Channel.WEBHOOK, event=event, object_key=key,
                                        payload=_jsonable(data), created_at=now, retry_from=now,
                                        next_attempt_at=now))
        for out in extra:
            rows.append(OutboundMessage(channel=out.channel, event=out.event or event,
                                        object_key=out.object_key or key, recipient=out.recipient,
                                        payload=_jsonable(out.payload), created_at=now, retry_from=now,
                                        next_attempt_at=now))
    if not rows:
        return []
    messages = OutboundMessage.objects.bulk_create(rows, batch_size=1000)
    ids = [m.pk for m in messages]
    transaction.on_commit(lambda: _queue(ids))
    return messages


def _queue(ids, countdown=None):
    from .tasks import outbox_deliver_task

    for pk in ids:
        if _eager():  # no broker (tests, `make run`): deliver in-process, errors surface
            outbox_deliver_task.delay(pk)
            continue
        try:
            if countdown:
                outbox_deliver_task.apply_async((pk,), countdown=countdown)
            else:
                outbox_deliver_task.delay(pk)
        except Exception:  # broker down: the row stays pending and the pump sends it later
            log.warning("outbox: message %s not queued, the pump will retry", pk, exc_info=True)


def _eager() -> bool:
    """Tasks run in-process (no broker: tests, `make run`); read from the Celery app, as a real worker
    test switches it there."""
    from .tasks import outbox_deliver_task

    return bool(outbox_deliver_task.app.conf.task_always_eager)


def _blocked(message) -> bool:
    return (OutboundMessage.objects.filter(channel=message.channel, object_key=message.object_key,
                                           id__lt=message.pk).exclude(status__in=DONE).exists())


def outbox_deliver(message_id: int) -> str:
    """Send one message if it is due, first in line for its object, and not claimed by another worker.
    Returns what happened: delivered / not_sent / retry / failed / waiting / skipped."""
    cfg = _Config()
    now = timezone.now()
    message = OutboundMessage.objects.filter(pk=message_id).first()
    if message is None or message.status != OutboundMessage.Status.PENDING:
        return "skipped"
    if _blocked(message):
        return "waiting"
    lease = now + timedelta(seconds=cfg.lease)
    claimed = (OutboundMessage.objects
               .filter(pk=message_id, status=OutboundMessage.Status.PENDING, next_attempt_at__lte=now)
               .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
               .update(claimed_until=lease, attempts=F("attempts") + 1))
    if not claimed:
        return "skipped"
    message.refresh_from_db()
    channel = channel_for(message.channel)
    try:
        if channel is None:
            raise NotSent("渠道未配置")
        render = RENDERERS.get(message.channel) or RENDERERS.get(message.event)
        if render is not None:
            # Sent as rendered; the stored payload keeps the reference the renderer reads (a retry renders anew).
            message.payload = _jsonable(render(message))
            if "recipient" in message.payload:
                message.recipient = str(message.payload.pop("recipient"))[:255]
                OutboundMessage.objects.filter(pk=message.pk).update(recipient=message.recipient)
        channel.send(message)
    except NotSent as exc:
        _finish(message, lease, status=OutboundMessage.Status.NOT_SENT, error=str(exc))
        return "not_sent"
    except DeliveryError as exc:
        return _retry_or_park(message, lease, str(exc), cfg)
    _finish(message, lease, status=OutboundMessage.Status.DELIVERED, error="")
    return "delivered"


def _own(message, lease):
    return OutboundMessage.objects.filter(pk=message.pk, claimed_until=lease)


def _finish(message, lease, *, status, error):
    now = timezone.now()
    delivered = status == OutboundMessage.Status.DELIVERED
    redact = {"payload": REDACTED} if delivered and message.event in SECRET_EVENTS else {}
    _own(message, lease).update(status=status, last_error=error[:2000], claimed_until=None, updated_at=now,
                                delivered_at=now if delivered else None, **redact)
    _queue_next(message)


def _retry_or_park(message, lease, error, cfg) -> str:
    now = timezone.now()
    delay = min(cfg.cap, cfg.base * 2 ** max(0, message.attempts - 1)) * random.uniform(0.5, 1.5)
    if (now + timedelta(seconds=delay) - message.retry_from).total_seconds() > cfg.horizon:
        _own(message, lease).update(status=OutboundMessage.Status.FAILED, last_error=error[:2000],
                                    claimed_until=None, updated_at=now)
        log.warning("outbox: message %s parked as failed: %s", message.pk, error)
        return "failed"
    _own(message, lease).update(last_error=error[:2000], claimed_until=None, updated_at=now,
                                next_attempt_at=now + timedelta(seconds=delay))
    if not _eager():  # eagerly (no broker) a countdown would run at once: the pump picks it up instead
        _queue([message.pk], countdown=delay)
    return "retry"


def _queue_next(message):
    following = (OutboundMessage.objects
                 .filter(channel=message.channel, object_key=message.object_key, id__gt=message.pk,
                         status=OutboundMessage.Status.PENDING).order_by("id").values_list("id", flat=True)[:1])
    if following:
        if _eager():
            outbox_deliver(following[0])
        else:
            _queue(list(following))


def outbox_pump(*, limit: int = 500) -> int:
    """Queue every due pending message that is first in line for its object (lost tasks, retries due,
    a released chain). Returns how many were queued."""
    now = timezone.now()
    due = (OutboundMessage.objects.filter(status=OutboundMessage.Status.PENDING, next_attempt_at__lte=now)
           .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now)).order_by("id")
           .values_list("id", "channel", "object_key")[:limit])
    heads, seen = [], set()
    for pk, channel, key in due:
        if (channel, key) not in seen:
            seen.add((channel, key))
            heads.append(pk)
    if _eager():
        for pk in heads:
            outbox_deliver(pk)
    else:
        _queue(heads)
    return len(heads)


def outbox_replay(*, messages, by) -> int:
    """Send again (reviewers): a failed or not-sent message goes back to pending (a webhook message only
    to the subscribers that have not had it); a delivered one is sent again to everyone, with the same
    id and Idempotency-Key. Audited. Returns how many were queued."""
    ids = []
    with transaction.atomic():
        for message in OutboundMessage.objects.select_for_update().filter(pk__in=[m.pk for m in messages]):
            if message.status == OutboundMessage.Status.PENDING or (
                    message.event in SECRET_EVENTS and message.payload == REDACTED):
                continue
            old = message.status
            if old == OutboundMessage.Status.DELIVERED:
                message.progress = {}
            message.status, message.attempts, message.last_error = OutboundMessage.Status.PENDING, 0, ""
            message.retry_from = message.next_attempt_at = timezone.now()  # a fresh retry horizon
            message.claimed_until = message.delivered_at = None
            message.save()
            audit_record(actor=by, action="outbound_message.replayed", target=message, changes={"status": [old, "pending"]})
            ids.append(message.pk)
        transaction.on_commit(lambda: _queue(ids))
    return len(ids)


def outbox_sweep() -> dict:
    """Daily: one alert (per day) if any message is parked as failed or has waited longer than
    OUTBOX_STUCK_AFTER_SECONDS; the message names the counts per channel."""
    now = timezone.now()
    stuck_before = now - timedelta(seconds=getattr(settings, "OUTBOX_STUCK_AFTER_SECONDS", 6 * 3600))
    failed = OutboundMessage.objects.filter(status=OutboundMessage.Status.FAILED)
    stuck = OutboundMessage.objects.filter(status=OutboundMessage.Status.PENDING, created_at__lt=stuck_before)
    counts = {"failed": _per_channel(failed), "stuck": _per_channel(stuck)}
    if counts["failed"] or counts["stuck"]:
        labels = dict(OutboundMessage.Channel.choices)
        parts = [f"{labels.get(c, c)}：失败 {counts['failed'].get(c, 0)} 条，积压 {counts['stuck'].get(c, 0)} 条"
                 for c in sorted(set(counts["failed"]) | set(counts["stuck"]))]
        key = f"outbox_sweep:{timezone.localdate(now).isoformat()}"
        fresh = not Alert.objects.filter(dedupe_key=key).exists()
        alert_raise(kind="outbox_undelivered", title="外发消息未送达", message="；".join(parts),
                    source="outbox_sweep", dedupe_key=key)
        addresses = getattr(settings, "OUTBOX_ALERT_EMAILS", [])
        if fresh and addresses:  # once a day, by e-mail to the people who keep the interfaces running
            outbox_publish("outbox.undelivered", key=key, data=None, extra=[
                Outgoing(channel=OutboundMessage.Channel.EMAIL, recipient=address, object_key=f"{key}:{address}",
                         payload={"subject": "【鸠江区综合查一次】外发消息未送达", "text": "；".join(parts)
                                  + "。请在“外发消息”页面查看原因并重新发送。"}) for address in addresses])
    return counts


def _per_channel(qs):
    counts = {}
    for channel in qs.values_list("channel", flat=True):
        counts[channel] = counts.get(channel, 0) + 1
    return counts


def outbox_counts() -> dict:
    """{channel: {status: n}} for the 外发消息 page."""
    counts = {c: {s: 0 for s in OutboundMessage.Status.values} for c in OutboundMessage.Channel.values}
    from django.db.models import Count

    for row in OutboundMessage.objects.values("channel", "status").annotate(n=Count("id")):
        counts.setdefault(row["channel"], {})[row["status"]] = row["n"]
    return counts

"""The outbox (issue 14): written with the change, delivered once per receiver, in order per object,
signed, retried with backoff, parked as failed past the horizon, replayable; a channel without a
receiver is recorded as not sent. The receiver is a real HTTP server on a local port."""
import hashlib
import hmac
import json
import time
from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from jiujiang_inspect.models import Alert, OutboundMessage, WebhookSubscription
from jiujiang_inspect.outbox import (
    Outgoing,
    outbox_deliver,
    outbox_publish,
    outbox_pump,
    outbox_replay,
    outbox_sweep,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def fast_retries(settings):
    settings.OUTBOX_RETRY_BASE_SECONDS = 0.01
    settings.OUTBOX_RETRY_MAX_SECONDS = 0.05
    settings.OUTBOX_RETRY_HORIZON_SECONDS = 60
    settings.OUTBOX_CHANNELS = {**settings.OUTBOX_CHANNELS, "webhook": {"adapter": "webhook", "timeout": 0.3}}
    return settings


def subscribe(receiver, events=("*",)):
    return WebhookSubscription.objects.create(name="智慧督", url=receiver.url, events=list(events),
                                              secret="whsec_test")


def publish(event, key, data, capture, **kw):
    with capture(execute=True), transaction.atomic():
        return outbox_publish(event, key=key, data=data, **kw)


def drain(seconds=10):
    deadline = time.monotonic() + seconds
    while OutboundMessage.objects.filter(status="pending").exists() and time.monotonic() < deadline:
        time.sleep(0.03)
        outbox_pump()


def verify(headers, body, secret="whsec_test"):
    ts = headers["X-Jiujiang-Timestamp"]
    expected = "sha256=" + hmac.new(secret.encode(), ts.encode() + b"." + body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, headers["X-Jiujiang-Signature"]) and abs(time.time() - int(ts)) < 300


def test_publish_is_one_insert_and_rolls_back_with_the_change(django_assert_num_queries):
    with django_assert_num_queries(1):
        outbox_publish("check_code.issued", key="check_code:1", data={"code": "A"},
                       extra=[Outgoing(channel="sms", payload={"text": "短信"}, recipient="13800000000")])
    assert OutboundMessage.objects.count() == 2
    with pytest.raises(RuntimeError), transaction.atomic():
        outbox_publish("check_code.revoked", key="check_code:1", data={"code": "A"})
        raise RuntimeError("the change fails")
    assert not OutboundMessage.objects.filter(event="check_code.revoked").exists()


def test_receiver_failing_timing_out_and_recovering_gets_every_event_once_in_order(
        webhook_receiver, fast_retries, django_capture_on_commit_callbacks):
    subscribe(webhook_receiver)
    webhook_receiver.slow_seconds = 0.8
    webhook_receiver.script = ["fail", "slow", "fail"]
    sent = []
    for n, key in enumerate(["plan:1", "plan:1", "plan:2", "plan:1", "plan:2", "plan:3"]):
        sent += publish("plan.filed", key, {"id": key, "n": n}, django_capture_on_commit_callbacks)
    drain()
    assert set(OutboundMessage.objects.values_list("status", flat=True)) == {"delivered"}
    bodies = [json.loads(body) for _h, body in webhook_receiver.accepted]
    assert sorted(b["id"] for b in bodies) == sorted(m.pk for m in sent)  # every one, once
    for key in ("plan:1", "plan:2", "plan:3"):
        got = [b["data"]["n"] for b in bodies if b["data"]["id"] == key]
        assert got == sorted(got)  # in the order they happened
    for headers, body in webhook_receiver.accepted:
        assert verify(headers, body)
        assert headers["Idempotency-Key"] == str(json.loads(body)["id"])
    assert len(webhook_receiver.seen) == len(sent) + 3  # the fail, the timeout and the fail were retried
    assert OutboundMessage.objects.filter(attempts__gt=1).exists()


def test_a_redelivered_task_does_not_send_twice(webhook_receiver, django_capture_on_commit_callbacks):
    subscribe(webhook_receiver)
    [message] = publish("plan.published", "plan:9", {"id": 9}, django_capture_on_commit_callbacks)
    assert outbox_deliver(message.pk) == "skipped"  # the broker hands the same task out again
    assert len(webhook_receiver.seen) == 1
    # A send in flight holds a lease: a second worker claiming it meanwhile sends nothing.
    OutboundMessage.objects.filter(pk=message.pk).update(status="pending",
                                                         claimed_until=timezone.now() + timedelta(minutes=2))
    assert outbox_deliver(message.pk) == "skipped"
    assert len(webhook_receiver.seen) == 1


def test_past_the_horizon_it_is_parked_failed_holds_back_later_ones_and_replays_in_order(
        webhook_receiver, fast_retries, django_capture_on_commit_callbacks, rita):
    fast_retries.OUTBOX_RETRY_HORIZON_SECONDS = 0.2
    subscribe(webhook_receiver)
    webhook_receiver.script = ["fail"] * 100
    first = publish("block.created", "block:1", {"id": 1}, django_capture_on_commit_callbacks)[0]
    later = publish("block.overridden", "block:1", {"id": 1}, django_capture_on_commit_callbacks)[0]
    drain(seconds=2)
    first.refresh_from_db()
    later.refresh_from_db()
    assert first.status == "failed" and "HTTP 500" in first.last_error
    assert later.status == "pending" and later.attempts == 0  # waits behind the earlier one
    assert outbox_sweep()["failed"] == {"webhook": 1}
    assert Alert.objects.filter(kind="outbox_undelivered").count() == 1

    webhook_receiver.script = []
    fast_retries.OUTBOX_RETRY_HORIZON_SECONDS = 60
    with django_capture_on_commit_callbacks(execute=True):
        assert outbox_replay(messages=[first], by=rita) == 1
    drain()
    events = [json.loads(body)["event"] for _h, body in webhook_receiver.accepted]
    assert events == ["block.created", "block.overridden"]


def test_without_a_receiver_the_message_is_recorded_not_sent(django_capture_on_commit_callbacks, settings):
    settings.OUTBOX_CHANNELS = {"webhook": {"adapter": "webhook"}}
    publish("case.opened", "case:1", {"id": 1}, django_capture_on_commit_callbacks,
            extra=[Outgoing(channel="city_checkcode", payload={"task_id": 1})])
    rows = dict(OutboundMessage.objects.values_list("channel", "last_error"))
    assert set(OutboundMessage.objects.values_list("status", flat=True)) == {"not_sent"}
    assert rows == {"webhook": "无订阅该事件的接收方", "city_checkcode": "渠道未配置"}


def test_subscriber_gets_only_its_events(webhook_receiver, django_capture_on_commit_callbacks):
    subscribe(webhook_receiver, events=["case.closed"])
    publish("case.opened", "case:2", {"id": 2}, django_capture_on_commit_callbacks)
    publish("case.closed", "case:2", {"id": 2}, django_capture_on_commit_callbacks)
    assert [json.loads(b)["event"] for _h, b in webhook_receiver.accepted] == ["case.closed"]


def test_sms_http_gateway_gets_phone_text_template_and_credentials(
        webhook_receiver, settings, django_capture_on_commit_callbacks):
    settings.OUTBOX_CHANNELS = {**settings.OUTBOX_CHANNELS, "sms": {
        "adapter": "sms", "backend": "http", "url": webhook_receiver.url, "username": "jj", "password": "pw",
        "templates": {"rectification.due": "SMS_1001"}}}
    webhook_receiver.script = ["fail"]
    publish("rectification.due", "rectification:1", None, django_capture_on_commit_callbacks,
            extra=[Outgoing(channel="sms", recipient="13912345678", payload={"text": "整改将于三日后到期" * 40})])
    assert OutboundMessage.objects.get().status == "pending"  # the gateway failed: retried later
    OutboundMessage.objects.update(next_attempt_at=timezone.now())
    outbox_pump()
    [(_headers, body)] = webhook_receiver.accepted
    sent = json.loads(body)
    assert (sent["phone"], sent["template_id"], sent["username"], sent["password"]) == (
        "13912345678", "SMS_1001", "jj", "pw")
    assert len(sent["text"]) == 300 and sent["text"].startswith("整改将于三日后到期")
    assert OutboundMessage.objects.get().status == "delivered"

"""Delivery channels of the outbox: adapters behind one interface, chosen in settings.OUTBOX_CHANNELS.

A channel is `send(message)`: it returns when the receiver has the message, raises `DeliveryError`
(retried with backoff) when it could not deliver, or `NotSent` when there is no one to deliver to.
A channel missing from OUTBOX_CHANNELS, or without its address, is not configured: its messages are
recorded as `not_sent` with the reason, visibly (the 外发消息 page and /api/v1/outbound-messages/).

- `webhook`: every active WebhookSubscription that wants the event gets a signed POST (docs/api.md
  "Webhooks"); each subscriber's success is remembered on the message, so a retry only re-sends to
  the ones still missing.
- `signed_post`: the same signed POST to one configured address (the city 检查码 system, 12345).
- `sms`: a provider backend (`console`, `file`, or a generic HTTP gateway `http`).
- `email`: Django's e-mail backend (SMTP in production).
"""
import hashlib
import hmac
import json
import logging
import time
from pathlib import Path

import requests
from django.conf import settings
from django.core.mail import send_mail
from django.utils import timezone

from .models import OutboundMessage, WebhookSubscription

log = logging.getLogger(__name__)

SMS_MAX_CHARS = 300  # long SMS: providers split beyond 70 Chinese characters and cap the whole text
SIGNATURE_HEADER = "X-Jiujiang-Signature"
TIMESTAMP_HEADER = "X-Jiujiang-Timestamp"


class DeliveryError(Exception):
    """The receiver did not take the message (error answer, timeout, no connection): retried."""


class NotSent(Exception):
    """No receiver: the channel is not configured or nobody subscribes to the event. Not retried."""


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """`sha256=<hex HMAC-SHA256 of "<timestamp>.<raw body>">`, as receivers verify it (docs/api.md)."""
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def envelope(message: OutboundMessage) -> bytes:
    """The JSON body of a webhook delivery: {"id", "event", "occurred_at", "data"}."""
    body = {"id": message.pk, "event": message.event,
            "occurred_at": timezone.localtime(message.created_at).isoformat(), "data": message.payload}
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()


def signed_post(*, url: str, secret: str, message: OutboundMessage, timeout: float) -> None:
    body = envelope(message)
    timestamp = str(int(time.time()))
    headers = {"Content-Type": "application/json; charset=utf-8", TIMESTAMP_HEADER: timestamp,
               SIGNATURE_HEADER: sign(secret, timestamp, body), "Idempotency-Key": str(message.pk),
               "User-Agent": "jiujiang-inspect-outbox/1"}
    try:
        response = requests.post(url, data=body, headers=headers, timeout=timeout, allow_redirects=False)
    except requests.Timeout:
        raise DeliveryError(f"{url}: 超时（{timeout:g} 秒内无应答）") from None
    except requests.RequestException as exc:
        raise DeliveryError(f"{url}: 连接失败（{type(exc).__name__}）") from None
    if not 200 <= response.status_code < 300:
        raise DeliveryError(f"{url}: HTTP {response.status_code}")


class WebhookChannel:
    def __init__(self, config):
        self.timeout = float(config.get("timeout", 10))

    def send(self, message: OutboundMessage) -> None:
        subscriptions = [s for s in WebhookSubscription.objects.filter(is_active=True).order_by("id")
                         if s.wants(message.event)]
        if not subscriptions:
            raise NotSent("无订阅该事件的接收方")
        errors = []
        for sub in subscriptions:
            if str(sub.pk) in message.progress:
                continue
            try:
                signed_post(url=sub.url, secret=sub.secret, message=message, timeout=self.timeout)
            except DeliveryError as exc:
                errors.append(f"{sub.name}: {exc}")
                continue
            # Remembered at once: a crash or a retry never re-sends to a subscriber that answered 2xx.
            message.progress[str(sub.pk)] = timezone.now().isoformat()
            OutboundMessage.objects.filter(pk=message.pk).update(progress=message.progress)
        if errors:
            raise DeliveryError("; ".join(errors))


class SignedPostChannel:
    def __init__(self, config):
        self.url, self.secret = config.get("url", ""), config.get("secret", "")
        self.timeout = float(config.get("timeout", 10))

    def send(self, message: OutboundMessage) -> None:
        if not self.url:
            raise NotSent("渠道未配置接收地址")
        signed_post(url=self.url, secret=self.secret, message=message, timeout=self.timeout)


class SmsChannel:
    """Text in `payload["text"]` to `recipient` (a mobile number). Backends: `console` (log), `file`
    (one JSON line per SMS in `path`), `http` (a generic gateway: POST JSON with the credentials, the
    template id of the event from `templates`, the phone and the text)."""

    def __init__(self, config):
        self.config = config

    def send(self, message: OutboundMessage) -> None:
        backend = self.config.get("backend", "")
        text = str(message.payload.get("text", ""))[:SMS_MAX_CHARS]
        if not message.recipient:
            raise NotSent("企业未登记联系电话")
        record = {"id": message.pk, "phone": message.recipient, "event": message.event, "text": text,
                  "template_id": self.config.get("templates", {}).get(message.event, "")}
        if backend == "console":
            log.info("SMS %s", json.dumps(record, ensure_ascii=False))
        elif backend == "file":
            with Path(self.config["path"]).open("a", encoding="utf-8") as fh:
                fh.write(json.dumps(record, ensure_ascii=False) + "\n")
        elif backend == "http" and self.config.get("url"):
            record.update(username=self.config.get("username", ""), password=self.config.get("password", ""))
            try:
                response = requests.post(self.config["url"], json=record, timeout=float(self.config.get("timeout", 10)))
            except requests.RequestException as exc:
                raise DeliveryError(f"短信网关: {type(exc).__name__}") from None
            if not 200 <= response.status_code < 300:
                raise DeliveryError(f"短信网关: HTTP {response.status_code}")
        else:
            raise NotSent("短信渠道未配置")


class EmailChannel:
    def __init__(self, config):
        self.config = config

    def send(self, message: OutboundMessage) -> None:
        if not message.recipient:
            raise NotSent("无收件地址")
        try:
            send_mail(str(message.payload.get("subject", ""))[:200], str(message.payload.get("text", "")),
                      None, [message.recipient])
        except OSError as exc:  # smtplib errors are OSErrors
            raise DeliveryError(f"邮件发送失败: {type(exc).__name__}") from None


ADAPTERS = {"webhook": WebhookChannel, "signed_post": SignedPostChannel, "sms": SmsChannel,
            "email": EmailChannel}


def channel_for(name: str):
    """The configured adapter of channel `name`, or None when it is not configured."""
    config = getattr(settings, "OUTBOX_CHANNELS", {}).get(name)
    if not config or config.get("adapter") not in ADAPTERS:
        return None
    return ADAPTERS[config["adapter"]](config)

"""The e-mail channel (Django's SMTP backend) against a real local SMTP server (aiosmtpd): the daily
sweep's e-mail about undelivered messages arrives once, in Chinese."""
import email
import email.policy

import pytest
from aiosmtpd.controller import Controller

from jiujiang_inspect.models import OutboundMessage
from jiujiang_inspect.outbox import outbox_sweep
from jiujiang_inspect.testing import _free_port

pytestmark = pytest.mark.django_db


class Recorder:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        self.messages.append((envelope.rcpt_tos, email.message_from_bytes(envelope.content, policy=email.policy.default)))
        return "250 OK"


@pytest.fixture
def smtp_server():
    recorder = Recorder()
    controller = Controller(recorder, hostname="127.0.0.1", port=_free_port(8650, 8699))
    controller.start()
    yield recorder, controller.port
    controller.stop()


def test_the_sweep_mails_the_keepers_once_through_smtp(smtp_server, settings, django_capture_on_commit_callbacks):
    recorder, port = smtp_server
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.OUTBOX_CHANNELS = {**settings.OUTBOX_CHANNELS, "email": {"adapter": "email"}}
    settings.OUTBOX_ALERT_EMAILS = ["ops@jiujiang.example"]
    OutboundMessage.objects.create(channel="webhook", event="plan.filed", object_key="plan:1", status="failed")
    with django_capture_on_commit_callbacks(execute=True):
        outbox_sweep()
    with django_capture_on_commit_callbacks(execute=True):
        outbox_sweep()  # the same day again: no second e-mail
    [(to, message)] = recorder.messages
    assert to == ["ops@jiujiang.example"]
    assert message["Subject"].strip() == "【鸠江区综合查一次】外发消息未送达"
    assert "失败 1 条" in message.get_content()
    assert OutboundMessage.objects.get(channel="email").status == "delivered"


def test_an_unreachable_smtp_server_is_retried_not_lost(settings, django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", _free_port(8650, 8699), 1
    settings.OUTBOX_CHANNELS = {**settings.OUTBOX_CHANNELS, "email": {"adapter": "email"}}
    settings.OUTBOX_ALERT_EMAILS = ["ops@jiujiang.example"]
    OutboundMessage.objects.create(channel="webhook", event="plan.filed", object_key="plan:1", status="failed")
    with django_capture_on_commit_callbacks(execute=True):
        outbox_sweep()
    mail = OutboundMessage.objects.get(channel="email")
    assert mail.status == "pending" and mail.attempts == 1 and "邮件发送失败" in mail.last_error

"""The outbox through a real Celery worker on PostgreSQL + Redis (issue 14 "done when"): messages written
in a transaction reach a real HTTP receiver that fails first, once each, in order per object."""
import json
import time

import pytest
from django.db import transaction

from jiujiang_inspect.models import OutboundMessage, WebhookSubscription
from jiujiang_inspect.outbox import outbox_publish, outbox_pump
from jiujiang_inspect.testing import require_postgres

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_real_worker_delivers_every_message_once_in_order(celery_worker_real, webhook_receiver, settings):
    require_postgres()
    settings.OUTBOX_RETRY_BASE_SECONDS, settings.OUTBOX_RETRY_MAX_SECONDS = 0.2, 0.5
    WebhookSubscription.objects.create(name="智慧督", url=webhook_receiver.url, events=["*"], secret="whsec_w")
    webhook_receiver.script = ["fail"]
    with transaction.atomic():
        sent = [outbox_publish("case.opened" if n == 0 else "case.measure_added", key="case:1",
                               data={"id": 1, "n": n}) for n in range(3)]
        sent += [outbox_publish("case.opened", key="case:2", data={"id": 2, "n": 0})]
    deadline = time.monotonic() + 30
    while OutboundMessage.objects.exclude(status="delivered").exists() and time.monotonic() < deadline:
        time.sleep(0.3)
        outbox_pump()  # what beat does every OUTBOX_PUMP_SECONDS
    assert set(OutboundMessage.objects.values_list("status", flat=True)) == {"delivered"}
    bodies = [json.loads(b) for _h, b in webhook_receiver.accepted]
    assert sorted(b["id"] for b in bodies) == sorted(m.pk for batch in sent for m in batch)
    assert [b["data"]["n"] for b in bodies if b["data"]["id"] == 1] == [0, 1, 2]

"""Reviewers manage webhook subscriptions (secret shown once, rotatable) and see and replay outbound
messages, on pages and over the API (docs/api.md "Webhooks")."""
import pytest

from jiujiang_inspect.models import AuditEntry, OutboundMessage, WebhookSubscription

pytestmark = pytest.mark.django_db


def test_subscription_api_shows_the_secret_once_and_rotates_it(api, rita):
    client = api(rita)
    res = client.post("/api/v1/webhook-subscriptions/", {"name": "智慧督", "url": "https://zhd.example/hook",
                                                        "events": ["case.opened", "case.opened", "plan.filed"]},
                      format="json")
    assert res.status_code == 201, res.json()
    body = res.json()
    assert body["secret"].startswith("whsec_") and body["events"] == ["case.opened", "plan.filed"]
    pk = body["id"]
    listed = client.get("/api/v1/webhook-subscriptions/").json()["results"]
    assert listed[0]["id"] == pk and "secret" not in listed[0]
    assert "secret" not in client.get(f"/api/v1/webhook-subscriptions/{pk}/").json()
    rotated = client.post(f"/api/v1/webhook-subscriptions/{pk}/rotate-secret/").json()
    assert rotated["secret"] != body["secret"]
    assert WebhookSubscription.objects.get(pk=pk).secret == rotated["secret"]
    res = client.patch(f"/api/v1/webhook-subscriptions/{pk}/", {"events": ["no.such"]}, format="json")
    assert res.status_code == 400 and "events" in res.json()["detail"]
    assert client.patch(f"/api/v1/webhook-subscriptions/{pk}/", {"is_active": False}, format="json").json()[
        "is_active"] is False
    assert client.delete(f"/api/v1/webhook-subscriptions/{pk}/").status_code == 204
    assert set(AuditEntry.objects.filter(action__startswith="webhook_subscription.").values_list(
        "action", flat=True)) == {"webhook_subscription.created", "webhook_subscription.rotated",
                                  "webhook_subscription.updated", "webhook_subscription.deleted"}


def test_only_reviewers_manage_subscriptions_and_see_messages(api, anna, platform_secret):
    for client in (api(anna), api(secret=platform_secret)):
        assert client.get("/api/v1/webhook-subscriptions/").status_code == 403
        assert client.get("/api/v1/outbound-messages/").status_code == 403


def test_outbound_messages_api_lists_filters_and_replays(api, rita):
    failed = OutboundMessage.objects.create(channel="webhook", event="plan.filed", object_key="plan:1",
                                            status="failed", attempts=7, last_error="HTTP 500")
    OutboundMessage.objects.create(channel="sms", event="plan.filed", object_key="plan:1", status="delivered",
                                   recipient="13812345678")
    client = api(rita)
    rows = client.get("/api/v1/outbound-messages/?status=failed").json()["results"]
    assert [r["id"] for r in rows] == [failed.pk] and rows[0]["attempts"] == 7
    sms = client.get("/api/v1/outbound-messages/?channel=sms").json()["results"][0]
    assert sms["recipient_masked"] == "138****5678"
    assert client.get("/api/v1/outbound-messages/?status=lost").status_code == 400
    res = client.post(f"/api/v1/outbound-messages/{failed.pk}/replay/")
    assert res.status_code == 200 and res.json()["status"] in ("pending", "not_sent")
    res = client.post("/api/v1/outbound-messages/replay/", {"ids": [failed.pk]}, format="json")
    assert res.status_code == 200
    assert client.post("/api/v1/outbound-messages/replay/", {"ids": []}, format="json").status_code == 400


def test_pages_create_show_secret_once_and_replay(client, rita):
    client.force_login(rita)
    res = client.post("/subjects/webhooks/", {"name": "智慧督", "url": "https://zhd.example/hook",
                                              "events": ["*"], "is_active": "on"})
    sub = WebhookSubscription.objects.get()
    assert sub.secret in res.content.decode()
    assert sub.secret not in client.get("/subjects/webhooks/").content.decode()
    res = client.post(f"/subjects/webhooks/{sub.pk}/rotate/")
    sub.refresh_from_db()
    assert sub.secret in res.content.decode()
    message = OutboundMessage.objects.create(channel="webhook", event="plan.filed", object_key="plan:1",
                                             status="failed", last_error="HTTP 500")
    page = client.get("/subjects/outbox/?status=failed").content.decode()
    assert "HTTP 500" in page and "发送失败" in page
    client.post("/subjects/outbox/", {"ids": [str(message.pk)]})
    message.refresh_from_db()
    assert message.status != "failed"

"""Webhook subscriptions (docs/api.md "Webhooks"): reviewers add, change, remove receivers and rotate
their secrets. A secret is generated here and shown once (at creation and at each rotation). Audited."""
import secrets

from django.db import transaction
from django.utils.translation import gettext as _

from .audit import audit_record
from .exceptions import ValidationFailed
from .models import WebhookSubscription
from .outbox import EVENTS

FIELDS = ("name", "url", "events", "is_active")


def _new_secret() -> str:
    return "whsec_" + secrets.token_urlsafe(32)


def webhook_events_clean(events) -> list[str]:
    """Event names in the order given, once each; `*` stands for all; an unknown name is a 400."""
    cleaned = []
    for name in events or []:
        if name != "*" and name not in EVENTS:
            raise ValidationFailed(detail={"events": [_("未知事件：%(name)s") % {"name": name}]})
        if name not in cleaned:
            cleaned.append(name)
    if not cleaned:
        raise ValidationFailed(detail={"events": [_("至少订阅一个事件（或 *）。")]})
    return cleaned


@transaction.atomic
def webhook_subscription_create(*, by, name: str, url: str, events, is_active: bool = True):
    """Returns (subscription, secret): the secret is not shown again."""
    sub = WebhookSubscription.objects.create(name=name, url=url, events=webhook_events_clean(events),
                                             is_active=is_active, secret=_new_secret(), created_by=by)
    audit_record(actor=by, action="webhook_subscription.created", target=sub,
                 changes={f: getattr(sub, f) for f in FIELDS})
    return sub, sub.secret


@transaction.atomic
def webhook_subscription_update(*, subscription, by, **fields):
    sub = WebhookSubscription.objects.select_for_update().get(pk=subscription.pk)
    if "events" in fields:
        fields["events"] = webhook_events_clean(fields["events"])
    changes = {}
    for name in FIELDS:
        if name in fields and getattr(sub, name) != fields[name]:
            changes[name] = [getattr(sub, name), fields[name]]
            setattr(sub, name, fields[name])
    if changes:
        sub.save()
        audit_record(actor=by, action="webhook_subscription.updated", target=sub, changes=changes)
    return sub


@transaction.atomic
def webhook_subscription_rotate_secret(*, subscription, by):
    """A new secret from now on (the old one stops signing at once). Returns (subscription, secret)."""
    sub = WebhookSubscription.objects.select_for_update().get(pk=subscription.pk)
    sub.secret = _new_secret()
    sub.save(update_fields=["secret", "updated_at"])
    audit_record(actor=by, action="webhook_subscription.rotated", target=sub)
    return sub, sub.secret


@transaction.atomic
def webhook_subscription_delete(*, subscription, by) -> None:
    audit_record(actor=by, action="webhook_subscription.deleted", target=subscription,
                 changes={f: getattr(subscription, f) for f in FIELDS})
    subscription.delete()

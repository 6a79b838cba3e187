"""alert_raise: the one way any app raises a 提醒预警. `supervision` decides what follows."""
from django.contrib.contenttypes.models import ContentType

from .models import Alert


def alert_raise(*, kind: str, title: str, message: str = "", severity: str = Alert.Severity.WARNING,
                agency=None, enterprise_uscc: str = "", target=None, source: str = "",
                dedupe_key: str | None = None) -> Alert:
    """Raise an alert once per `dedupe_key` (a second call with the same key returns the first alert)."""
    defaults = dict(kind=kind, title=str(title)[:200], message=str(message), severity=severity, agency=agency,
                    enterprise_uscc=enterprise_uscc or "", source=source)
    if target is not None:
        defaults["target_type"] = ContentType.objects.get_for_model(target, for_concrete_model=False)
        defaults["target_id"] = str(target.pk)
    if dedupe_key:
        alert, _created = Alert.objects.get_or_create(dedupe_key=dedupe_key, defaults=defaults)
        return alert
    return Alert.objects.create(**defaults)


def alerts_raise_many(items) -> int:
    """`alert_raise` for many new alerts at once (the monthly audit's findings and blocks): `items` are
    dicts of alert_raise's keyword arguments, each with a `dedupe_key`; keys already raised are left
    as they are (ON CONFLICT DO NOTHING). One INSERT per 1,000. Returns how many were asked for."""
    rows = []
    for kw in items:
        kw = dict(kw)
        target = kw.pop("target", None)
        alert = Alert(kind=kw["kind"], title=str(kw["title"])[:200], message=str(kw.get("message", "")),
                      severity=kw.get("severity", Alert.Severity.WARNING), agency=kw.get("agency"),
                      enterprise_uscc=kw.get("enterprise_uscc") or "", source=kw.get("source", ""),
                      dedupe_key=kw["dedupe_key"])
        if target is not None:
            alert.target_type = ContentType.objects.get_for_model(target, for_concrete_model=False)
            alert.target_id = str(target.pk)
        rows.append(alert)
    Alert.objects.bulk_create(rows, batch_size=1000, ignore_conflicts=True)
    return len(rows)

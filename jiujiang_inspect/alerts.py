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

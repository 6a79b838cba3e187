"""Readable audit values: `{field: [old, new]}` shows as "old → new", ISO dates as 2025年3月1日."""
import re
from datetime import datetime

from django import template
from django.utils import timezone

register = template.Library()

ISO_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
ISO_DATETIME = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}")


def _one(value):
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, str):
        if ISO_DATE.match(value):
            y, m, d = value.split("-")
            return f"{int(y)}年{int(m)}月{int(d)}日"
        if ISO_DATETIME.match(value):
            try:
                moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
            except ValueError:
                return value
            if timezone.is_aware(moment):
                moment = timezone.localtime(moment)
            return f"{moment.year}年{moment.month}月{moment.day}日 {moment:%H:%M}"
        return value
    if isinstance(value, list | tuple):
        return "、".join(_one(v) for v in value) or "（空）"
    if isinstance(value, dict):
        return "；".join(f"{k}：{_one(v)}" for k, v in value.items())
    return str(value)


@register.filter
def audit_value(value):
    """A change is usually [old, new]; anything else is shown as it is, readably."""
    if isinstance(value, list) and len(value) == 2:
        return f"{_one(value[0])} → {_one(value[1])}"
    return _one(value)

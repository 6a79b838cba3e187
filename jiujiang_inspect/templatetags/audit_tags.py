"""The audit trail in templates (jiujiang_inspect.audit_display): display rows and readable values."""
from django import template

from .. import audit_display
from ..audit_display import readable

register = template.Library()

@register.simple_tag
def audit_rows(entries):
    """`{% audit_rows history as rows %}`: display rows (jiujiang_inspect.audit_display)."""
    return audit_display.audit_rows(entries or [])


@register.filter
def audit_value(value):
    """A change is usually [old, new]; anything else is shown as it is, readably."""
    if isinstance(value, list) and len(value) == 2:
        return f"{readable(value[0])} → {readable(value[1])}"
    return readable(value)

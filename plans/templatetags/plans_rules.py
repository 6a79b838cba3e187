"""Rule and stage names for pages: `{{ refusal.code|rule_name }}`, `{{ refusal.stage|stage_name }}`.
Pages never show a rule's English `code` (issue 11, decision k)."""
from django import template

from ..exceptions import rule_fix as _rule_fix
from ..exceptions import rule_name as _rule_name
from ..exceptions import stage_name as _stage_name

register = template.Library()


@register.filter
def rule_name(code: str) -> str:
    return _rule_name(code)


@register.filter
def stage_name(stage: str) -> str:
    return _stage_name(stage)


@register.filter
def rule_fix(error) -> str:
    """What to change for a gate error (an ApplicationError with `code` and `detail`)."""
    return _rule_fix(error.code, error.detail)

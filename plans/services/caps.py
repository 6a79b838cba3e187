"""Cap and frequency policies: data the 区司法局 edits, never constants in code (docs/domain.md "Frequency
rules"). Every changed field leaves its own audit entry with the old and new value."""
from django.db import transaction
from django.utils.translation import gettext as _

from jiujiang_inspect import roles
from jiujiang_inspect.audit import audit_record

from ..exceptions import ValidationFailed
from ..models import CapPolicy, FrequencyPolicy, Pool

FREQUENCY_INT_FIELDS = ["per_agency_yearly_cap", "triggered_warn_per_day", "triggered_warn_per_week",
                        "triggered_warn_per_month", "triggered_block_per_month",
                        "triggered_block_per_month_same_agency", "low_efficiency_consecutive",
                        "joint_team_warn_above", "joint_match_window_days", "late_code_days", "matter_unused_years"]
FREQUENCY_BOOL_FIELDS = ["triggered_counts_toward_cap", "require_training"]
FREQUENCY_FIELDS = FREQUENCY_INT_FIELDS + FREQUENCY_BOOL_FIELDS
MAX_CAP = 1000


def _as_count(key, value):
    if isinstance(value, bool):
        raise ValidationFailed(detail={key: [_("应为非负整数。")]})
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise ValidationFailed(detail={key: [_("应为非负整数。")]}) from None
    if number < 0 or number > MAX_CAP or str(number) != str(value).strip():
        raise ValidationFailed(detail={key: [_("应为 0 到 %(max)d 之间的整数。") % {"max": MAX_CAP}]})
    return number


@transaction.atomic
def cap_policy_update(*, by, caps: dict, reason: str = "") -> list[CapPolicy]:
    """Set the yearly on-site cap per pool, e.g. {"whitelist": 1, "joint": 2}. Unchanged pools leave
    no entry."""
    roles.require(by, roles.REVIEWER, message=_("仅区司法局审核员可以修改频次规则。"))
    unknown = [p for p in caps if p not in Pool.values]
    if unknown:
        raise ValidationFailed(detail={p: [_("对象库无效。")] for p in unknown})
    values = {pool: _as_count(pool, v) for pool, v in caps.items()}
    policies = {p.pool: p for p in CapPolicy.objects.select_for_update().filter(pool__in=values)}
    for pool, cap in values.items():
        policy = policies.get(pool)
        if policy is None:
            policy = CapPolicy.objects.create(pool=pool, yearly_onsite_cap=cap)
            audit_record(actor=by, action="cap_policy.updated", target=policy, reason=reason,
                         changes={"pool": pool, "yearly_onsite_cap": [None, cap]})
        elif policy.yearly_onsite_cap != cap:
            old = policy.yearly_onsite_cap
            policy.yearly_onsite_cap = cap
            policy.save(update_fields=["yearly_onsite_cap", "updated_at"])
            audit_record(actor=by, action="cap_policy.updated", target=policy, reason=reason,
                         changes={"pool": pool, "yearly_onsite_cap": [old, cap]})
    return list(CapPolicy.objects.order_by("pool"))


@transaction.atomic
def frequency_policy_update(*, by, reason: str = "", **fields) -> FrequencyPolicy:
    """Change the district's frequency rules (per-agency cap, triggered thresholds, low-efficiency
    rule, …); one audit entry per changed field."""
    roles.require(by, roles.REVIEWER, message=_("仅区司法局审核员可以修改频次规则。"))
    unknown = [k for k in fields if k not in FREQUENCY_FIELDS]
    if unknown:
        raise ValidationFailed(detail={k: [_("未知的规则字段。")] for k in unknown})
    clean = {}
    for key, value in fields.items():
        if key in FREQUENCY_BOOL_FIELDS:
            if not isinstance(value, bool):
                raise ValidationFailed(detail={key: [_("应为是或否。")]})
            clean[key] = value
        else:
            clean[key] = _as_count(key, value)
    FrequencyPolicy.current()
    policy = FrequencyPolicy.objects.select_for_update().get(pk=1)
    changed = []
    for key, value in clean.items():
        old = getattr(policy, key)
        if old != value:
            setattr(policy, key, value)
            changed.append((key, old, value))
    if changed:
        policy.save()
        for key, old, value in changed:
            audit_record(actor=by, action="frequency_policy.updated", target=policy, reason=reason,
                         changes={key: [old, value]})
    return policy

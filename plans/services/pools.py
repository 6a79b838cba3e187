"""对象库 moves with history: who decided, when, why, from/to (docs/domain.md "Pool"; 举措 5).

The pool decides the enterprise's yearly on-site cap, so a move locks the enterprise row, the same
lock that serialises 检查码 issuance: a code request never reads a half-moved enterprise.
"""
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jiujiang_inspect import roles
from jiujiang_inspect.audit import audit_record

from ..exceptions import EnterpriseNotJoint, InvalidState, ValidationFailed
from ..models import Enterprise, Pool, PoolMembership


def pool_switch(*, enterprise: Enterprise, pool: str, by, reason: str) -> Enterprise:
    """Close the open membership and open a new one. Call inside a transaction holding the enterprise
    lock; callers check who may do it."""
    now = timezone.now()
    old = enterprise.pool
    PoolMembership.objects.filter(enterprise=enterprise, valid_to__isnull=True).update(valid_to=now)
    PoolMembership.objects.create(enterprise=enterprise, pool=pool, valid_from=now, reason=reason,
                                  decided_by=by if getattr(by, "pk", None) else None)
    enterprise.pool = pool
    enterprise.save(update_fields=["pool", "updated_at"])
    audit_record(actor=by, action="enterprise.pool_moved", target=enterprise, reason=reason,
                 changes={"pool": [old, pool]})
    return enterprise


@transaction.atomic
def enterprise_pool_move(*, enterprise: Enterprise, pool: str, reason: str, by) -> Enterprise:
    """A 司法局 reviewer moves an enterprise between 联合检查 / 白名单 / 重点监管 / 非联合 pools with a
    reason. An enterprise that declined joint inspections cannot enter the 联合检查对象库."""
    roles.require(by, roles.REVIEWER, message=_("仅区司法局审核员可以调整对象库。"))
    if pool not in Pool.values:
        raise ValidationFailed(detail={"pool": [_("对象库无效，应为 joint、whitelist、key、non_joint 之一。")]})
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(detail={"reason": [_("调整对象库必须说明原因。")]})
    enterprise = Enterprise.objects.select_for_update().get(pk=enterprise.pk)
    if enterprise.pool == pool:
        raise InvalidState(_("该企业已在%(pool)s。") % {"pool": Pool(pool).label})
    if pool == Pool.JOINT and not enterprise.joins_joint:
        raise EnterpriseNotJoint()
    return pool_switch(enterprise=enterprise, pool=pool, by=by, reason=reason)

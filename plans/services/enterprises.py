"""检查对象 registry by 统一社会信用代码 (docs/domain.md "Enterprise"; 举措 5).

A bad shape is an error; a bad check character is a warning only a 司法局 reviewer may accept
(some early legal codes fail the GB 32100-2015 checksum), and the acceptance is audited.
"""
from django.db import transaction
from django.utils.translation import gettext as _

from jiujiang_inspect import roles
from jiujiang_inspect.audit import audit_record, model_changes, snapshot
from subjects.validators import uscc_check_char, uscc_checksum_ok, uscc_normalise, uscc_shape_ok

from ..exceptions import InvalidUscc, PermissionDeniedError, UsccChecksumMismatch, ValidationFailed
from ..models import Enterprise, Pool, PoolMembership, Town, name_initials
from .pools import pool_switch
from .sync import enterprise_dependents_touch

ENTERPRISE_FIELDS = ["uscc", "name", "town", "address", "industry_id", "size", "credit_class", "joins_joint", "pool",
                     "contact_name", "contact_phone", "is_active", "checksum_warning_accepted"]
EDITABLE = {"name", "town", "address", "industry", "size", "credit_class", "joins_joint", "contact_name",
            "contact_phone", "is_active"}
MAX_LENGTHS = {"name": 200, "address": 200, "contact_name": 50, "contact_phone": 20}


def require_registry_editor(by):
    """Reviewers and agency admins keep the registry; inspectors and the platform only read it."""
    if not (roles.is_reviewer(by) or roles.is_agency_admin(by)):
        raise PermissionDeniedError(_("仅区司法局审核员和单位管理员可以维护检查对象库。"))


def uscc_validate(uscc: str, *, accept_checksum_warning: bool = False, by=None) -> bool:
    """Raise InvalidUscc / UsccChecksumMismatch; return True when a checksum warning was accepted."""
    if not uscc_shape_ok(uscc):
        raise InvalidUscc(detail={"uscc": [str(InvalidUscc.default_message)]})
    if uscc_checksum_ok(uscc):
        return False
    expected = uscc_check_char(uscc[:17])
    if not accept_checksum_warning:
        raise UsccChecksumMismatch(detail={"uscc": [str(UsccChecksumMismatch.default_message)],
                                           "expected_check_char": expected})
    if not roles.is_reviewer(by):
        raise UsccChecksumMismatch(_("校验位不符的统一社会信用代码只能由区司法局审核员确认登记。"),
                                   detail={"uscc": [_("需审核员确认")], "expected_check_char": expected})
    return True


def _validate_fields(values: dict):
    errors = {}
    for key, limit in MAX_LENGTHS.items():
        if key in values and len(str(values[key] or "")) > limit:
            errors[key] = [_("不能超过%(n)d个字符。") % {"n": limit}]
    if "name" in values and not str(values["name"] or "").strip():
        errors["name"] = [_("请填写企业名称。")]
    if "town" in values and values["town"] not in Town.values:
        errors["town"] = [_("请选择鸠江区的镇（街道）。")]
    if "size" in values and values["size"] not in Enterprise.Size.values:
        errors["size"] = [_("规模无效。")]
    if "credit_class" in values and values["credit_class"] not in Enterprise.CreditClass.values:
        errors["credit_class"] = [_("信用风险分类应为 A、B、C、D 之一。")]
    if errors:
        raise ValidationFailed(detail=errors)


@transaction.atomic
def enterprise_create(*, by, uscc: str, name: str, town: str, industry=None, size: str = Enterprise.Size.SMALL,
                      credit_class: str = "B", joins_joint: bool = True, address: str = "", contact_name: str = "",
                      contact_phone: str = "", is_active: bool = True, accept_checksum_warning: bool = False,
                      reason: str = "") -> Enterprise:
    """Register an enterprise. It starts in the 联合检查对象库 (the default pool), or in the 非联合
    pool when it declined joint inspections; the first PoolMembership row opens its history."""
    require_registry_editor(by)
    uscc = uscc_normalise(uscc)
    accepted = uscc_validate(uscc, accept_checksum_warning=accept_checksum_warning, by=by)
    values = dict(name=str(name or "").strip(), town=town, address=address or "", size=size, credit_class=credit_class,
                  contact_name=contact_name or "", contact_phone=contact_phone or "")
    _validate_fields(values)
    if Enterprise.objects.filter(uscc=uscc).exists():
        raise ValidationFailed(detail={"uscc": [_("该统一社会信用代码已登记。")]})
    pool = Pool.JOINT if joins_joint else Pool.NON_JOINT
    enterprise = Enterprise.objects.create(uscc=uscc, industry=industry, joins_joint=joins_joint, pool=pool,
                                           is_active=is_active, checksum_warning_accepted=accepted,
                                           name_initials=name_initials(values["name"]), **values)
    PoolMembership.objects.create(enterprise=enterprise, pool=pool, decided_by=by if getattr(by, "pk", None) else None,
                                  reason=_("登记入库") if joins_joint else _("登记入库：企业不参加联合检查"))
    changes = snapshot(enterprise, ENTERPRISE_FIELDS)
    changes.pop("contact_phone")  # personal data stays out of the audit trail
    audit_record(actor=by, action="enterprise.created", target=enterprise, changes=changes, reason=reason)
    if accepted:
        audit_record(actor=by, action="enterprise.checksum_warning_accepted", target=enterprise, reason=reason,
                     changes={"uscc": uscc, "expected_check_char": uscc_check_char(uscc[:17])})
    return enterprise


@transaction.atomic
def enterprise_update(*, enterprise: Enterprise, by, reason: str = "", **fields) -> Enterprise:
    """Edit an enterprise's registry data. The 统一社会信用代码 is its identity and cannot change; the
    pool changes only through `enterprise_pool_move`, except that an enterprise withdrawing from joint
    inspections leaves the 联合检查对象库 at once (it belongs in 非联合)."""
    require_registry_editor(by)
    fields.pop("accept_checksum_warning", None)
    if "uscc" in fields and uscc_normalise(fields.pop("uscc")) != enterprise.uscc:
        raise ValidationFailed(detail={"uscc": [_("统一社会信用代码不可修改；如登记有误，请停用后重新登记。")]})
    unknown = set(fields) - EDITABLE
    if unknown:
        raise ValidationFailed(detail={k: [_("该字段不可修改。")] for k in unknown})
    _validate_fields(fields)
    enterprise = Enterprise.objects.select_for_update().get(pk=enterprise.pk)
    before = snapshot(enterprise, ENTERPRISE_FIELDS)
    for key, value in fields.items():
        setattr(enterprise, key, value)
    enterprise.name_initials = name_initials(enterprise.name)
    enterprise.save()
    changes = model_changes(enterprise, ENTERPRISE_FIELDS, before)
    if "contact_phone" in changes:
        changes["contact_phone"] = ["（已修改）", "（已修改）"]
    if changes:
        audit_record(actor=by, action="enterprise.updated", target=enterprise, changes=changes, reason=reason)
    if "name" in changes:
        enterprise_dependents_touch([enterprise.pk])
    if not enterprise.joins_joint and enterprise.pool == Pool.JOINT:
        enterprise = pool_switch(enterprise=enterprise, pool=Pool.NON_JOINT, by=by,
                                 reason=_("企业选择不参加联合检查，转入非联合检查对象库"))
    return enterprise


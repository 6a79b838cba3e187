"""法定依据 (举措 2). When a basis is amended or repealed, every matter relying on it is flagged
需调整 at once (audited per matter) and each implementing agency gets an Alert; such a matter cannot
be used (`legal_basis_not_in_force`) until it is adjusted and filed again."""
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jiujiang_inspect import roles
from jiujiang_inspect.alerts import alert_raise
from jiujiang_inspect.audit import audit_record, model_changes, snapshot
from jiujiang_inspect.exceptions import PermissionDeniedError

from ..citations import CitationError, canonical_title
from ..models import InspectionMatter, LegalBasis
from .common import check_length, fail

FIELDS = ["title", "level", "article", "article_text", "effective_date", "status"]
NOT_IN_FORCE = (LegalBasis.Status.AMENDED, LegalBasis.Status.REPEALED)


def _validate(basis: LegalBasis) -> None:
    try:
        basis.title = canonical_title(basis.title)
    except CitationError as exc:
        fail("title", str(exc))
    basis.article = (basis.article or "").strip()
    if not basis.title:
        fail("title", _("请填写法律法规名称。"))
    check_length("title", basis.title, 200, _("名称"))
    check_length("article", basis.article, 200, _("条款"))
    check_length("article_text", basis.article_text, 5000, _("条文内容"))
    if basis.level not in LegalBasis.Level.values:
        fail("level", _("效力层级无效。"))
    if basis.status not in LegalBasis.Status.values:
        fail("status", _("状态无效。"))
    if LegalBasis.objects.filter(title=basis.title, article=basis.article).exclude(pk=basis.pk).exists():
        fail("article", _("该法律法规的同一条款已登记。"))


@transaction.atomic
def legal_basis_create(*, by, title: str, level: str, article: str = "", article_text: str = "",
                       effective_date=None, status: str = LegalBasis.Status.IN_FORCE) -> LegalBasis:
    """Register a 法定依据 (law, regulation or rule with its article). Reviewers and agency admins."""
    if not (roles.is_reviewer(by) or roles.is_agency_admin(by)):
        raise PermissionDeniedError(_("仅区司法局审核员和单位管理员可以登记法定依据。"))
    basis = LegalBasis(title=title, level=level, article=article, article_text=article_text or "",
                       effective_date=effective_date, status=status)
    _validate(basis)
    basis.save()
    audit_record(actor=by, action="legal_basis.created", target=basis, changes=snapshot(basis, FIELDS))
    return basis


@transaction.atomic
def legal_basis_update(*, basis: LegalBasis, by, reason: str = "", **fields) -> LegalBasis:
    """Edit a basis (区司法局 only: one basis serves many agencies). Setting the status to amended or
    repealed flags every matter relying on it 需调整 and alerts each agency (see module doc)."""
    roles.require(by, roles.REVIEWER)
    unknown = [k for k in fields if k not in FIELDS]
    if unknown:
        fail(unknown[0], _("该字段不能修改。"))
    basis = LegalBasis.objects.select_for_update().get(pk=basis.pk)
    before = snapshot(basis, FIELDS)
    for key, value in fields.items():
        setattr(basis, key, value if value is not None or key == "effective_date" else "")
    _validate(basis)
    changes = model_changes(basis, FIELDS, before)
    if not changes:
        return basis
    basis.save()
    entry = audit_record(actor=by, action="legal_basis.updated", target=basis, changes=changes, reason=reason)
    if "status" in changes and basis.status in NOT_IN_FORCE:
        _flag_matters(basis=basis, by=by, reason=reason, change_id=entry.pk)
    return basis


def _flag_matters(*, basis: LegalBasis, by, reason: str, change_id: int) -> list[InspectionMatter]:
    """Flag every matter relying on `basis` 需调整 in one UPDATE, audit each, alert each agency once."""
    S = InspectionMatter.Status
    matters = list(InspectionMatter.objects.select_for_update(of=("self",)).select_related("agency")
                   .filter(legal_bases=basis).exclude(status__in=[S.CANCELLED, S.NEEDS_ADJUSTMENT])
                   .order_by("agency__code", "code"))
    if not matters:
        return []
    status_label = basis.get_status_display()
    why = _("法定依据%(basis)s%(status)s，需调整后重新备案。") % {"basis": str(basis), "status": status_label}
    # A bulk UPDATE skips auto_now: set updated_at so `updated_since` syncs see the derived change.
    InspectionMatter.objects.filter(pk__in=[m.pk for m in matters]).update(status=S.NEEDS_ADJUSTMENT,
                                                                         status_reason=why, updated_at=timezone.now())
    by_agency = {}
    for m in matters:
        audit_record(actor=by, action="matter.needs_adjustment", target=m, reason=reason or why,
                     agency_code=m.agency.code,
                     changes={"status": [m.status, S.NEEDS_ADJUSTMENT], "legal_basis": str(basis)})
        m.status, m.status_reason = S.NEEDS_ADJUSTMENT, why
        by_agency.setdefault(m.agency, []).append(m)
    for agency, items in by_agency.items():
        alert_raise(
            kind="matter.needs_adjustment", agency=agency, target=basis, source="matters",
            title=_("%(n)d项检查事项需调整：%(basis)s%(status)s") % {"n": len(items), "basis": str(basis),
                                                                  "status": status_label},
            message=_("以下事项在调整并重新备案前不能用于检查：%(list)s") % {
                "list": "；".join(f"{m.code} {m.name}" for m in items)},
            dedupe_key=f"matter.needs_adjustment:{basis.pk}:{change_id}:{agency.pk}")
    return matters

"""年度检查计划 (举措 6): a lead agency drafts the plan for a year with its member agencies, industry,
joint matter list, target enterprises and months; it files it with the 区司法局, which files it or
returns it with a reason; the filed plan is published (public page, API for 智慧督).

Lifecycle: draft → submitted → filed (or returned → draft again) → published. Any change after
filing sends the plan back to draft with version + 1, so it must be filed again (re-filing).
"""
import re

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jiujiang_inspect import roles
from jiujiang_inspect.audit import audit_record, model_changes, snapshot

from ..events import plan_event_publish
from ..exceptions import InvalidState, PermissionDeniedError, ValidationFailed
from ..models import AnnualPlan, Enterprise, PlanTarget

PLAN_FIELDS = ["year", "kind", "title", "lead_agency_id", "industry_id", "joint_matter_list_id", "months", "status",
               "version"]
MONTH_RE = re.compile(r"^([0-9]{4})-(0[1-9]|1[0-2])$")
S = AnnualPlan.Status


def may_edit_plan(by, plan_or_agency) -> bool:
    """The lead agency's admin drafts and edits its plan (superusers may act for it)."""
    agency_id = getattr(plan_or_agency, "lead_agency_id", None) or getattr(plan_or_agency, "pk", None)
    if getattr(by, "is_superuser", False):
        return True
    return roles.is_agency_admin(by) and by.agency_id == agency_id


def _require_editor(by, plan_or_agency):
    if not may_edit_plan(by, plan_or_agency):
        raise PermissionDeniedError(_("只有牵头单位的单位管理员可以编制和修改本计划。"))


def _lock(plan) -> AnnualPlan:
    return AnnualPlan.objects.select_for_update().get(pk=plan.pk)


def _validate(*, year, title=None, months=None, industry=None, joint_matter_list=None, lead_agency=None,
              member_agencies=None):
    errors = {}
    if year is not None and not (2000 <= int(year) <= 2100):
        errors["year"] = [_("年度无效。")]
    if title is not None and not str(title).strip():
        errors["title"] = [_("请填写计划名称。")]
    if title is not None and len(str(title)) > 200:
        errors["title"] = [_("不能超过200个字符。")]
    for m in months or []:
        match = MONTH_RE.match(str(m))
        if not match or int(match.group(1)) != int(year):
            errors["months"] = [_("计划月份应为本年度的 YYYY-MM，例如 %(y)s-04。") % {"y": year}]
            break
    if joint_matter_list is not None:
        if joint_matter_list.status != "published":
            errors["joint_matter_list"] = [_("只能选用已公布的联查事项清单。")]
        elif industry is not None and joint_matter_list.industry_id != industry.pk:
            errors["joint_matter_list"] = [_("联查事项清单的行业与计划行业不一致。")]
    if lead_agency is not None and not lead_agency.is_active:
        errors["lead_agency"] = [_("牵头单位已停用。")]
    for a in member_agencies or []:
        if not a.is_active:
            errors["member_agencies"] = [_("参与单位 %(name)s 已停用。") % {"name": a.name}]
    if errors:
        raise ValidationFailed(detail=errors)


def reopen_for_change(plan: AnnualPlan, *, by, reason: str = "") -> AnnualPlan:
    """Before any change: a submitted plan is withdrawn to draft; a filed or published plan goes back to
    draft with version + 1 (it must be filed again). Call with the plan row locked."""
    if plan.status in (S.DRAFT, S.RETURNED):
        return plan
    old_status = plan.status
    if plan.status in (S.FILED, S.PUBLISHED):
        plan.version += 1
    plan.status = S.DRAFT
    plan.save(update_fields=["status", "version", "updated_at"])
    audit_record(actor=by, action="plan.reopened", target=plan, reason=reason or _("备案后修改，需重新备案"),
                 changes={"status": [old_status, S.DRAFT], "version": plan.version})
    return plan


@transaction.atomic
def plan_create(*, by, year: int, title: str, lead_agency=None, member_agencies=(), industry=None,
                joint_matter_list=None, months=(), enterprises=(), kind: str = AnnualPlan.Kind.ANNUAL) -> AnnualPlan:
    """Draft an annual plan (or, `kind="special"`, a 专项检查计划: the plan special inspections run
    under once filed and published, decision f of issue 11) for the lead agency (the caller's agency
    by default)."""
    if kind not in AnnualPlan.Kind.values:
        raise ValidationFailed(detail={"kind": [_("计划类型无效，应为 annual 或 special。")]})
    lead_agency = lead_agency or getattr(by, "agency", None)
    if lead_agency is None:
        raise ValidationFailed(detail={"lead_agency": [_("请指定牵头单位。")]})
    _require_editor(by, lead_agency)
    members = [a for a in member_agencies if a.pk != lead_agency.pk]
    months = sorted(set(months or []))
    _validate(year=year, title=title, months=months, industry=industry, joint_matter_list=joint_matter_list,
              lead_agency=lead_agency, member_agencies=members)
    if joint_matter_list is not None and industry is None:
        industry = joint_matter_list.industry
    plan = AnnualPlan.objects.create(year=year, kind=kind, title=str(title).strip(), lead_agency=lead_agency,
                                     industry=industry,
                                     joint_matter_list=joint_matter_list, months=months, created_by=by)
    plan.member_agencies.set(members)
    if enterprises:
        _targets_add(plan, list(enterprises), drawn=False)
    changes = snapshot(plan, PLAN_FIELDS) | {"member_agencies": sorted(a.code for a in members),
                                            "enterprises": sorted(e.uscc for e in enterprises)}
    audit_record(actor=by, action="plan.created", target=plan, changes=changes)
    return plan


@transaction.atomic
def plan_update(*, plan: AnnualPlan, by, reason: str = "", **fields) -> AnnualPlan:
    """Edit a plan: title, months, industry, joint matter list, member agencies, or the full target
    list (`enterprises`). A change after filing needs re-filing (version + 1)."""
    _require_editor(by, plan)
    allowed = {"title", "months", "industry", "joint_matter_list", "member_agencies", "enterprises"}
    unknown = set(fields) - allowed
    if unknown:
        raise ValidationFailed(detail={k: [_("该字段不可修改。")] for k in unknown})
    plan = _lock(plan)
    members = fields.pop("member_agencies", None)
    enterprises = fields.pop("enterprises", None)
    if "months" in fields:
        fields["months"] = sorted(set(fields["months"] or []))
    industry = fields.get("industry", plan.industry)
    jml = fields.get("joint_matter_list", plan.joint_matter_list)
    if members is not None:
        members = [a for a in members if a.pk != plan.lead_agency_id]
    _validate(year=plan.year, title=fields.get("title"), months=fields.get("months"), industry=industry,
              joint_matter_list=jml if "joint_matter_list" in fields or "industry" in fields else None,
              member_agencies=members)
    before = snapshot(plan, PLAN_FIELDS)
    before_members = sorted(plan.member_agencies.values_list("code", flat=True))
    before_targets = sorted(plan.targets.values_list("enterprise__uscc", flat=True))
    changed = any(getattr(plan, k) != v for k, v in fields.items())
    changed |= members is not None and sorted(a.code for a in members) != before_members
    changed |= enterprises is not None and sorted(e.uscc for e in enterprises) != before_targets
    if not changed:
        return plan
    reopen_for_change(plan, by=by, reason=reason)
    for key, value in fields.items():
        setattr(plan, key, value)
    plan.save()
    if members is not None:
        plan.member_agencies.set(members)
    if enterprises is not None:
        keep = {e.pk for e in enterprises}
        PlanTarget.objects.filter(plan=plan).exclude(enterprise_id__in=keep).delete()
        _targets_add(plan, list(enterprises), drawn=False)
    changes = model_changes(plan, PLAN_FIELDS, before)
    if members is not None:
        after = sorted(a.code for a in members)
        if after != before_members:
            changes["member_agencies"] = [before_members, after]
    if enterprises is not None:
        after_t = sorted(e.uscc for e in enterprises)
        if after_t != before_targets:
            changes["enterprises"] = {"added": sorted(set(after_t) - set(before_targets)),
                                      "removed": sorted(set(before_targets) - set(after_t))}
    audit_record(actor=by, action="plan.updated", target=plan, changes=changes, reason=reason)
    return plan


def _targets_add(plan, enterprises, *, drawn: bool, months=None) -> int:
    inactive = [e.uscc for e in enterprises if not e.is_active]
    if inactive:
        raise ValidationFailed(detail={"enterprises": [_("以下企业已注销或停用，不能列入计划：%(list)s") % {
            "list": "、".join(inactive[:20])}]})
    existing = set(PlanTarget.objects.filter(plan=plan).values_list("enterprise_id", flat=True))
    new = []
    for i, e in enumerate(enterprises):
        if e.pk in existing:
            continue
        existing.add(e.pk)
        month = months[i % len(months)] if months else ""
        new.append(PlanTarget(plan=plan, enterprise=e, drawn=drawn, month=month))
    PlanTarget.objects.bulk_create(new, batch_size=500)
    return len(new)


@transaction.atomic
def plan_targets_add(*, plan: AnnualPlan, by, enterprises, reason: str = "") -> int:
    """Add target enterprises by hand (or from a filter the caller applied). Returns how many were new."""
    _require_editor(by, plan)
    plan = _lock(plan)
    enterprises = list(enterprises)
    existing = set(PlanTarget.objects.filter(plan=plan).values_list("enterprise_id", flat=True))
    fresh = [e for e in enterprises if e.pk not in existing]
    if not fresh:
        return 0
    reopen_for_change(plan, by=by, reason=reason)
    added = _targets_add(plan, fresh, drawn=False)
    plan.save(update_fields=["updated_at"])
    audit_record(actor=by, action="plan.targets_added", target=plan, reason=reason,
                 changes={"added": [e.uscc for e in fresh][:500], "count": added})
    return added


@transaction.atomic
def plan_targets_add_by_filter(*, plan: AnnualPlan, by, queryset, limit: int = 500, reason: str = "") -> int:
    """Add every enterprise of a filtered registry list (capped at `limit`, so a careless empty filter
    cannot put the whole district in one plan)."""
    enterprises = list(queryset.filter(is_active=True).order_by("uscc")[:limit])
    return plan_targets_add(plan=plan, by=by, enterprises=enterprises, reason=reason or _("按条件筛选加入"))


@transaction.atomic
def plan_targets_remove(*, plan: AnnualPlan, by, enterprises, reason: str = "") -> int:
    _require_editor(by, plan)
    plan = _lock(plan)
    ids = [e.pk for e in enterprises]
    usccs = list(Enterprise.objects.filter(pk__in=ids, plan_targets__plan=plan).values_list("uscc", flat=True))
    if not usccs:
        return 0
    reopen_for_change(plan, by=by, reason=reason)
    deleted, _detail = PlanTarget.objects.filter(plan=plan, enterprise_id__in=ids).delete()
    plan.save(update_fields=["updated_at"])
    audit_record(actor=by, action="plan.targets_removed", target=plan, reason=reason, changes={"removed": usccs})
    return deleted


@transaction.atomic
def plan_submit(*, plan: AnnualPlan, by) -> tuple[AnnualPlan, list[dict]]:
    """The lead agency sends the plan to the 区司法局 for filing (备案). Returns the warnings the
    reviewer will see (caps, 非联合 targets, whitelisted targets planned twice); they do not block."""
    from ..selectors.plans import plan_warnings

    _require_editor(by, plan)
    plan = _lock(plan)
    if plan.status not in (S.DRAFT, S.RETURNED):
        raise InvalidState(_("只有草稿或被退回的计划可以报送备案。"))
    if not plan.targets.exists():
        raise ValidationFailed(_("计划还没有检查对象，请先添加或随机抽取。"), detail={"enterprises": [_("至少一个")]})
    if not plan.months:
        raise ValidationFailed(_("请填写计划月份。"), detail={"months": [_("至少一个月份")]})
    warnings = plan_warnings(plan=plan)
    old = plan.status
    plan.status, plan.status_reason = S.SUBMITTED, ""
    plan.save(update_fields=["status", "status_reason", "updated_at"])
    audit_record(actor=by, action="plan.submitted", target=plan, changes={
        "status": [old, S.SUBMITTED], "version": plan.version, "warnings": [w["code"] for w in warnings]})
    return plan, warnings


@transaction.atomic
def plan_file(*, plan: AnnualPlan, by, reason: str = "") -> AnnualPlan:
    """The 区司法局 files (备案) a submitted plan."""
    roles.require(by, roles.REVIEWER, message=_("仅区司法局审核员可以办理计划备案。"))
    plan = _lock(plan)
    if plan.status != S.SUBMITTED:
        raise InvalidState(_("只有待备案的计划可以备案。"))
    plan.status, plan.filed_at, plan.status_reason = S.FILED, timezone.now(), ""
    plan.save(update_fields=["status", "filed_at", "status_reason", "updated_at"])
    audit_record(actor=by, action="plan.filed", target=plan, reason=reason,
                 changes={"status": [S.SUBMITTED, S.FILED], "version": plan.version})
    plan_event_publish("plan.filed", plan)
    return plan


@transaction.atomic
def plan_return(*, plan: AnnualPlan, by, reason: str) -> AnnualPlan:
    """The 区司法局 returns a submitted plan with a reason; the lead agency corrects and resubmits."""
    roles.require(by, roles.REVIEWER, message=_("仅区司法局审核员可以办理计划备案。"))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(detail={"reason": [_("退回必须说明原因。")]})
    plan = _lock(plan)
    if plan.status != S.SUBMITTED:
        raise InvalidState(_("只有待备案的计划可以退回。"))
    plan.status, plan.status_reason = S.RETURNED, reason
    plan.save(update_fields=["status", "status_reason", "updated_at"])
    audit_record(actor=by, action="plan.returned", target=plan, reason=reason,
                 changes={"status": [S.SUBMITTED, S.RETURNED], "version": plan.version})
    return plan


@transaction.atomic
def plan_publish(*, plan: AnnualPlan, by) -> AnnualPlan:
    """Publish a filed plan on the public page (and to 智慧督). The lead agency or a reviewer does it."""
    if not (may_edit_plan(by, plan) or roles.is_reviewer(by)):
        raise PermissionDeniedError(_("只有牵头单位或区司法局可以公布计划。"))
    plan = _lock(plan)
    if plan.status != S.FILED:
        raise InvalidState(_("计划须先经区司法局备案才能公布。"))
    plan.status, plan.published_at = S.PUBLISHED, timezone.now()
    plan.save(update_fields=["status", "published_at", "updated_at"])
    audit_record(actor=by, action="plan.published", target=plan,
                 changes={"status": [S.FILED, S.PUBLISHED], "version": plan.version})
    plan_event_publish("plan.published", plan)
    return plan

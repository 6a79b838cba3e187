"""The gate rules of approval and of the 检查码 (docs/domain.md "检查码 workflow" 2, "Frequency rules" 1–6;
举措 6, 7, 8, 10, 11; docs/api.md "Error codes the rules use").

`GATES` is the documented order; when several rules fail, the first one's `code` is the 409's `code`:

 1. matters_usable        matter_not_published / legal_basis_not_in_force
 2. inspectors_certified  too_few_inspectors, inspector_certificate_invalid, inspector_not_in_agency
 3. pool_allows_joint     enterprise_not_joint
 4. yearly_caps           enterprise_over_yearly_cap, agency_over_yearly_cap
 5. triggered_frequency   triggered_frequency_blocked
 6. blocks                enterprise_blocked
 7. low_efficiency        inspector_low_efficiency_blocked
 8. offsite_first         onsite_justification_required
 9. advance_notice        advance_notice_missing
10. plan                  plan_not_filed, plan_mismatch (planned inspections)
11. special_plan          special_plan_not_filed, plan_mismatch (special inspections)
12. training              inspector_not_trained

Each gate is a keyword-only function of the attempt's `GateContext` returning its errors; it never
writes: blocks it calls for and warnings go into `ctx.blocks` / `ctx.warnings`, and the gate protocol
(`plans.services.gates`) writes them. Every count comes from `plans.selectors.counting`.
"""
import calendar
from dataclasses import dataclass, field

from django.db.models import Count, Exists, IntegerField, OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from matters.selectors import matters_usable_errors
from subjects.exceptions import InspectorNotInAgency

from .. import exceptions as exc
from ..models import AnnualPlan, Block, Enterprise, FrequencyPolicy, Inspection, PlanTarget, Pool
from ..selectors import counting
from ..selectors.blocks import blocks_among, blocks_applying_to
from .block_periods import block_period


@dataclass
class GateContext:
    inspection: Inspection
    enterprise: Enterprise
    parts: list
    policy: FrequencyPolicy
    late: bool = False
    warnings: list = field(default_factory=list)  # alert_raise(**kwargs)
    blocks: list = field(default_factory=list)  # block_create(**kwargs)
    cap: int | None = None  # the enterprise pool's yearly cap, when the caller read it with the policy
    existing_blocks: list | None = None  # blocks_on(enterprise, date), when the caller read them once

    def blocks_applying(self, *, agencies=(), inspectors=(), status=Block.Status.ACTIVE) -> list:
        """`blocks_applying_to` the attempt's enterprise on its date, from `existing_blocks` when read."""
        if self.existing_blocks is None:
            return list(blocks_applying_to(enterprise=self.enterprise, on_date=self.inspection.date,
                                           agencies=agencies, inspectors=inspectors, status=status))
        return blocks_among(self.existing_blocks, agencies=agencies, inspectors=inspectors, status=status)

    @property
    def inspectors(self):
        return [i for p in self.parts for i in p.inspectors.all()]

    @property
    def matters(self):
        return [m for p in self.parts for m in p.matters.all()]


def matters_usable(*, ctx: GateContext) -> list:
    """Matter published and every basis in force on the day: the rule lives in matters (举措 2, 3)."""
    return matters_usable_errors(ctx.matters, on_date=ctx.inspection.date)


def inspectors_certified(*, ctx: GateContext) -> list:
    """Each participating agency brings two of its own inspectors certified on the day (行政处罚法 第42条);
    helpers never count."""
    few, invalid, foreign = [], [], []
    on_date = ctx.inspection.date
    for p in ctx.parts:
        own_valid, helpers = 0, []
        for i in p.inspectors.all():
            if i.agency_id != p.agency_id:
                foreign.append({"inspector": i.pk, "name": i.name, "agency": p.agency.code})
                continue
            if i.is_helper:
                helpers.append(i.name)
                continue
            cert = getattr(i, "certificate", None) if hasattr(i, "certificate") else None
            if i.is_active and i.agency.is_active and cert is not None and cert.is_valid_on(on_date):
                own_valid += 1
            else:
                invalid.append({"inspector": i.pk, "name": i.name,
                                "certificate_state": cert.state_on(on_date) if cert else "missing"})
        if own_valid < 2:
            few.append({"agency": p.agency.code, "agency_name": p.agency.name, "certified": own_valid,
                        "helpers": helpers})
    errors = []
    if few:
        errors.append(exc.TooFewInspectors(detail={"agencies": few}))
    if invalid:
        errors.append(exc.InspectorCertificateInvalid(detail={"inspectors": invalid}))
    if foreign:
        errors.append(InspectorNotInAgency(_("执法人员不属于其所列的参与单位。"), detail={"inspectors": foreign}))
    return errors


def pool_allows_joint(*, ctx: GateContext) -> list:
    """非联合检查对象库 (or an enterprise that declined joint inspections): no joint visit."""
    ent = ctx.enterprise
    if len({p.agency_id for p in ctx.parts}) >= counting.JOINT_MIN_AGENCIES and (
            ent.pool == Pool.NON_JOINT or not ent.joins_joint):
        return [exc.EnterpriseNotJoint(_("该企业在非联合检查对象库，不能进行多部门联合检查。"),
                                       detail={"pool": ent.pool, "agencies": [p.agency.code for p in ctx.parts]})]
    return []


def _overridden(ctx, *, rule, agency=None, inspector=None):
    """The highest count a 司法局 override allowed for this rule and subject on the inspection's date
    (None when no overridden block covers it). Only a count above it breaches again."""
    blocks = [b for b in ctx.blocks_applying(agencies=[agency] if agency else (),
                                             inspectors=[inspector] if inspector else (),
                                             status=Block.Status.OVERRIDDEN)
              if b.rule == rule and b.agency_id == getattr(agency, "pk", None)
              and b.inspector_id == getattr(inspector, "pk", None)]
    allowed = [b.allowed_count for b in blocks if b.allowed_count is not None]
    return max(allowed) if allowed else None


def _breaches(ctx, *, n, limit, rule, agency=None, inspector=None) -> bool:
    if n <= limit:
        return False
    allowed = _overridden(ctx, rule=rule, agency=agency, inspector=inspector)
    return allowed is None or n > allowed


def yearly_caps(*, ctx: GateContext) -> list:
    """Yearly on-site caps per enterprise (by pool) and per agency per enterprise, counted with the
    attempt itself (+1) under the enterprise lock; only inspections that take a slot."""
    insp = ctx.inspection
    if not counting.takes_slot(inspection=insp, policy=ctx.policy):
        return []
    year = insp.date.year
    errors = []
    cap = ctx.cap if ctx.cap is not None else counting.yearly_cap_for(enterprise=ctx.enterprise)
    used, by_agency = counting.slots_used_with_agencies(enterprise=ctx.enterprise, year=year, exclude=insp,
                                                        agency_ids=[p.agency_id for p in ctx.parts])
    if _breaches(ctx, n=used + 1, limit=cap, rule=Block.Rule.YEARLY_CAP):
        errors.append(exc.EnterpriseOverYearlyCap(detail={"year": year, "pool": ctx.enterprise.pool,
                                                          "yearly_cap": cap, "used": used}))
    limit = ctx.policy.per_agency_yearly_cap
    over = [{"agency": p.agency.code, "used": by_agency.get(p.agency_id, 0), "cap": limit} for p in ctx.parts
            if _breaches(ctx, n=by_agency.get(p.agency_id, 0) + 1, limit=limit, rule=Block.Rule.YEARLY_CAP,
                         agency=p.agency)]
    if over:
        errors.append(exc.AgencyOverYearlyCap(detail={"year": year, "agencies": over}))
    return errors


def triggered_frequency(*, ctx: GateContext) -> list:
    """Rule 3: warnings above 1/day, 2/week, 3/month; refusal + Block above 4/month (any agency) or
    2/month (same agency). The attempt itself is counted (+1)."""
    insp, ent, policy = ctx.inspection, ctx.enterprise, ctx.policy
    if insp.kind != Inspection.Kind.TRIGGERED:
        return []
    day = insp.date
    month_key = f"{day:%Y-%m}"
    counts = counting.triggered_counts_around(enterprise=ent, day=day, exclude=insp,
                                              agency_ids=[p.agency_id for p in ctx.parts])
    n = {g: counts[g] + 1 for g in counting.GRAINS}
    week_start = counting.period_bounds("week", day)[0]
    for grain, limit, label, period in (
            ("day", policy.triggered_warn_per_day, _("当日"), f"d{day:%Y%m%d}"),
            ("week", policy.triggered_warn_per_week, _("本周"), f"w{week_start:%Y%m%d}"),
            ("month", policy.triggered_warn_per_month, _("本月"), f"m{day:%Y%m}")):
        if n[grain] > limit:
            ctx.warnings.append(dict(
                kind="triggered_frequency_warning", severity="warning", agency=insp.initiating_agency,
                enterprise_uscc=ent.uscc, source=f"triggered:{month_key}",
                title=_("触发式检查过频预警：%(name)s %(label)s第%(n)s次") % {"name": ent.name, "label": label,
                                                                   "n": n[grain]},
                message=_("同一企业触发式检查%(label)s超过%(limit)s次。") % {"label": label, "limit": limit},
                dedupe_key=f"trigwarn:{ent.uscc}:{period}:{n[grain]}"))
    starts_on, ends_on = block_period(rule=Block.Rule.TRIGGERED_FREQUENCY, breach_on=day)
    blocked = []
    if _breaches(ctx, n=n["month"], limit=policy.triggered_block_per_month, rule=Block.Rule.TRIGGERED_FREQUENCY):
        ctx.blocks.append(dict(
            enterprise=ent, rule=Block.Rule.TRIGGERED_FREQUENCY, starts_on=starts_on, ends_on=ends_on,
            breach_count=n["month"], source=f"triggered:{month_key}",
            reason=_("同一企业本月触发式检查超过%(n)s次（全部单位）。") % {"n": policy.triggered_block_per_month}))
        blocked.append(None)
    for p in ctx.parts:
        n_agency = counts["agencies"][p.agency_id] + 1
        if _breaches(ctx, n=n_agency, limit=policy.triggered_block_per_month_same_agency,
                     rule=Block.Rule.TRIGGERED_FREQUENCY, agency=p.agency):
            ctx.blocks.append(dict(
                enterprise=ent, agency=p.agency, rule=Block.Rule.TRIGGERED_FREQUENCY, starts_on=starts_on,
                ends_on=ends_on, breach_count=n_agency, source=f"triggered:{month_key}",
                reason=_("%(agency)s本月对同一企业触发式检查超过%(n)s次。") % {
                    "agency": p.agency.name, "n": policy.triggered_block_per_month_same_agency}))
            blocked.append(p.agency.code)
    existing = [b for b in ctx.blocks_applying(agencies=[p.agency_id for p in ctx.parts])
                if b.rule == Block.Rule.TRIGGERED_FREQUENCY]
    if blocked or existing:
        return [exc.TriggeredFrequencyBlocked(detail={
            "month": month_key, "count_month": n["month"], "blocked_agencies": blocked,
            "blocks": [b.pk for b in existing]})]
    return []


def blocks(*, ctx: GateContext) -> list:
    """Active blocks on the enterprise, on a participating agency there: manual blocks refuse
    everything; yearly-cap blocks refuse only inspections that would take a slot (decision c). Triggered
    and low-efficiency blocks are judged by their own gates."""
    takes = counting.takes_slot(inspection=ctx.inspection, policy=ctx.policy)
    found = [b for b in ctx.blocks_applying(agencies=[p.agency_id for p in ctx.parts])
             if b.inspector_id is None and (b.rule == Block.Rule.MANUAL or (b.rule == Block.Rule.YEARLY_CAP and takes))]
    if not found:
        return []
    return [exc.EnterpriseBlocked(detail={"blocks": [
        {"id": b.pk, "rule": b.rule, "reason": b.reason, "agency": getattr(b.agency, "code", None)} for b in found]})]


def low_efficiency(*, ctx: GateContext) -> list:
    """Rule 4 (成都): an inspector with N consecutive no-finding results at the enterprise within a year
    is refused there and blocked for 12 months from the N-th result; an active inspector block refuses."""
    insp, n = ctx.inspection, ctx.policy.low_efficiency_consecutive
    hits, seen = [], set()
    active = {b.inspector_id: b for b in ctx.blocks_applying(inspectors=[i.pk for i in ctx.inspectors])
              if b.rule == Block.Rule.LOW_EFFICIENCY and b.inspector_id}
    # One query for every inspector's streak (those not already blocked, when the rule is on).
    streaks = counting.no_finding_streaks(enterprise=ctx.enterprise, until=insp.date, exclude=insp,
                                          inspector_ids=[i.pk for i in ctx.inspectors if i.pk not in active]
                                          if n else ())
    for i in ctx.inspectors:
        if i.pk in seen:
            continue
        seen.add(i.pk)
        if i.pk in active:
            hits.append({"inspector": i.pk, "name": i.name})
            continue
        if not n:
            continue
        streak, days = streaks[i.pk]
        if streak >= n and _breaches(ctx, n=streak, limit=n - 1, rule=Block.Rule.LOW_EFFICIENCY, inspector=i):
            hits.append({"inspector": i.pk, "name": i.name})
            # The block runs 12 months from the N-th no-finding result of the run (chronologically).
            starts_on, ends_on = block_period(rule=Block.Rule.LOW_EFFICIENCY, breach_on=days[streak - n])
            ctx.blocks.append(dict(
                enterprise=ctx.enterprise, inspector=i, agency=None, rule=Block.Rule.LOW_EFFICIENCY,
                starts_on=starts_on, ends_on=ends_on, breach_count=streak, source="low_efficiency",
                reason=_("%(name)s在该企业连续%(n)s次检查未发现问题。") % {"name": i.name, "n": n}))
    return [exc.InspectorLowEfficiencyBlocked(detail={"inspectors": hits})] if hits else []


def offsite_first(*, ctx: GateContext) -> list:
    """If every matter can be done off-site, on-site needs a written justification (举措 10)."""
    insp = ctx.inspection
    if insp.mode == Inspection.Mode.ONSITE and not (insp.onsite_justification or "").strip():
        matters = ctx.matters
        if matters and all(m.offsite_capable for m in matters):
            return [exc.OnsiteJustificationRequired(detail={"matters": [m.code for m in matters]})]
    return []


def advance_notice(*, ctx: GateContext) -> list:
    """预先告知 recorded (time and method) or an exemption reason; a late code (先查后补码) skips it."""
    insp = ctx.inspection
    if ctx.late or insp.mode == Inspection.Mode.ONLINE_PATROL:
        return []
    noticed = insp.notified_at and (insp.notice_method or "").strip()
    if not noticed and not (insp.notice_exempt_reason or "").strip():
        return [exc.AdvanceNoticeMissing()]
    return []


def _plan_mismatch(ctx: GateContext, p, *, targets_required: bool) -> dict:
    """What does not match the plan: agencies neither lead nor member, the enterprise not a target, the
    date outside the plan's months (outside its year when it lists none). Empty when all match."""
    insp = ctx.inspection
    # One query: which of the participating agencies are members, whether the plan lists targets, and
    # whether the enterprise is one.
    others = sorted({part.agency_id for part in ctx.parts} - {p.lead_agency_id})
    through = AnnualPlan.member_agencies.through
    members = through.objects.filter(annualplan_id=OuterRef("pk"), agency_id__in=others)
    row = (AnnualPlan.objects.filter(pk=p.pk)
           .annotate(n_members=Subquery(members.order_by().values("annualplan_id").annotate(c=Count("id"))
                                        .values("c")[:1], output_field=IntegerField()),
                     has_targets=Exists(PlanTarget.objects.filter(plan=OuterRef("pk"))),
                     is_target=Exists(PlanTarget.objects.filter(plan=OuterRef("pk"), enterprise=ctx.enterprise)))
           .values("n_members", "has_targets", "is_target").get())
    detail = {}
    if (row["n_members"] or 0) < len(others):
        allowed = {p.lead_agency_id} | {a.pk for a in p.member_agencies.all()}
        detail["agencies"] = [part.agency.code for part in ctx.parts if part.agency_id not in allowed]
    if (targets_required or row["has_targets"]) and not row["is_target"]:
        detail["enterprise"] = ctx.enterprise.uscc
    month = f"{insp.date:%Y-%m}"
    if (p.months and month not in p.months) or (not p.months and insp.date.year != p.year):
        detail["month"] = month
    return detail


def plan(*, ctx: GateContext) -> list:
    """A planned inspection needs a filed or published plan (举措 6), and planned means planned
    (decision e): every participating agency is the plan's lead or a member, the enterprise is among
    its targets, the date falls in its months."""
    insp = ctx.inspection
    if insp.kind != Inspection.Kind.PLANNED:
        return []
    p = insp.plan
    if p is None or p.status not in (p.Status.FILED, p.Status.PUBLISHED):
        return [exc.PlanNotFiled(detail={"plan": getattr(p, "pk", None), "status": getattr(p, "status", None)})]
    mismatch = _plan_mismatch(ctx, p, targets_required=True)
    return [exc.PlanMismatch(detail={"plan": p.pk, **mismatch})] if mismatch else []


def _one_month_after(moment):
    local = timezone.localtime(moment)
    year, month = (local.year + 1, 1) if local.month == 12 else (local.year, local.month + 1)
    return local.replace(year=year, month=month, day=min(local.day, calendar.monthrange(year, month)[1]))


def special_plan(*, ctx: GateContext) -> list:
    """A special inspection (专项) needs a special plan approved, filed with the 司法局 and published
    within one month of filing (Shanghai 2026, decision f); an approval number alone does not suffice.
    Its agencies and date must match the plan, and its enterprise too when the plan lists targets."""
    insp = ctx.inspection
    if insp.kind != Inspection.Kind.SPECIAL:
        return []
    p = insp.plan
    ok = (p is not None and p.kind == p.Kind.SPECIAL and p.status == p.Status.PUBLISHED and p.filed_at
          and p.published_at and p.published_at <= _one_month_after(p.filed_at))
    if not ok:
        return [exc.SpecialPlanNotFiled(detail={"plan": getattr(p, "pk", None), "status": getattr(p, "status", None)})]
    mismatch = _plan_mismatch(ctx, p, targets_required=False)
    return [exc.PlanMismatch(detail={"plan": p.pk, **mismatch})] if mismatch else []


def training(*, ctx: GateContext) -> list:
    """举措 9 (optional, set by 司法局): on-site inspectors passed the 检查码 test."""
    if not (ctx.policy.require_training and ctx.inspection.mode == Inspection.Mode.ONSITE):
        return []
    untrained = [{"inspector": i.pk, "name": i.name} for i in ctx.inspectors
                 if not i.is_helper and i.checkcode_test_passed_at is None]
    return [exc.InspectorNotTrained(detail={"inspectors": untrained})] if untrained else []


GATES = (matters_usable, inspectors_certified, pool_allows_joint, yearly_caps, triggered_frequency, blocks,
         low_efficiency, offsite_first, advance_notice, plan, special_plan, training)

"""The one gate service (DOMAIN.md "检查码 workflow" 2, "Frequency rules" 1–6; 举措 7, 8, 10, 11).

`inspection_gate_report` evaluates every rule at once and returns every failure in the order of the
gate list, each an ApplicationError subclass with the API.md code. Approval (`inspection_approve`) and
issuing the 检查码 (`checkcode.services.checkcode_issue`) both call `inspection_gates_enforce`, inside a
transaction that already holds the enterprise row lock.

Side effects of a gate (a Block opened by the low-efficiency or triggered-frequency rule, warnings
raised as Alerts) are not written during evaluation: the attempt's transaction rolls back when it is
refused, so `gate_refusal_record` writes them, with the GateRefusal row, after the rollback in its own
transaction. A successful attempt writes its warnings through `gate_effects_apply` inside its own
transaction.
"""
import calendar
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db import transaction
from django.utils.translation import gettext as _

from jiujiang_inspect.alerts import alert_raise
from jiujiang_inspect.exceptions import RuleViolations
from matters.selectors import matters_usable_errors
from subjects.exceptions import InspectorNotInAgency

from .. import exceptions as exc
from ..models import Block, Enterprise, FrequencyPolicy, GateRefusal, Inspection, Pool
from ..selectors.blocks import blocks_applying_to
from ..selectors.quota import used_slots, used_slots_by_agency_map, yearly_cap_for
from .blocks import block_create

#: Inspections that have happened or will happen (drafts, cancelled and merged ones do not count).
LIVE_STATUSES = (Inspection.Status.APPROVED, Inspection.Status.CODE_ISSUED, Inspection.Status.RESULT_RECORDED,
                 Inspection.Status.CLOSED)
#: Refusals that also open an Alert for the 司法局 (DOMAIN.md "Frequency rules" 5).
ALERTING_CODES = {"enterprise_over_yearly_cap", "agency_over_yearly_cap", "triggered_frequency_blocked",
                  "enterprise_blocked", "inspector_low_efficiency_blocked"}


@dataclass
class GateReport:
    errors: list = field(default_factory=list)
    warnings: list = field(default_factory=list)  # alert_raise(**kwargs)
    blocks: list = field(default_factory=list)  # block_create(**kwargs)

    @property
    def codes(self):
        return [e.code for e in self.errors]


def inspection_takes_slot(*, inspection: Inspection, policy: FrequencyPolicy | None = None) -> bool:
    """Whether the inspection uses a yearly-cap slot (rules 2, 3, 6): on-site only; never rechecks or
    enterprise-requested checks; triggered ones only if the policy says they count."""
    policy = policy or FrequencyPolicy.current()
    if inspection.mode != Inspection.Mode.ONSITE or inspection.kind == Inspection.Kind.RECHECK:
        return False
    if inspection.trigger_source == Inspection.TriggerSource.ENTERPRISE_REQUEST:
        return False
    if inspection.kind == Inspection.Kind.TRIGGERED:
        return policy.triggered_counts_toward_cap
    return True


def _month_bounds(day: date):
    last = calendar.monthrange(day.year, day.month)[1]
    return day.replace(day=1), day.replace(day=last)


def _participations(inspection):
    return list(inspection.participations.select_related("agency").prefetch_related(
        "inspectors__certificate", "inspectors__agency", "matters__legal_bases"))


def _matter_errors(parts, on_date):
    """Matter published and every basis in force on the day: the rule lives in matters (举措 2, 3)."""
    return matters_usable_errors([m for p in parts for m in p.matters.all()], on_date=on_date)


def _inspector_errors(parts, on_date):
    few, invalid, foreign = [], [], []
    for p in parts:
        own_valid = 0
        for i in p.inspectors.all():
            if i.agency_id != p.agency_id:
                foreign.append({"inspector": i.pk, "name": i.name, "agency": p.agency.code})
                continue
            if i.is_helper:
                continue  # helpers may come along but never count (行政处罚法 第42条)
            cert = getattr(i, "certificate", None) if hasattr(i, "certificate") else None
            if i.is_active and i.agency.is_active and cert is not None and cert.is_valid_on(on_date):
                own_valid += 1
            else:
                invalid.append({"inspector": i.pk, "name": i.name,
                                "certificate_state": cert.state_on(on_date) if cert else "missing"})
        if own_valid < 2:
            few.append({"agency": p.agency.code, "certified": own_valid})
    errors = []
    if few:
        errors.append(exc.TooFewInspectors(detail={"agencies": few}))
    if invalid:
        errors.append(exc.InspectorCertificateInvalid(detail={"inspectors": invalid}))
    if foreign:
        errors.append(InspectorNotInAgency(_("执法人员不属于其所列的参与单位。"), detail={"inspectors": foreign}))
    return errors


def _cap_errors(inspection, enterprise, parts, policy):
    if not inspection_takes_slot(inspection=inspection, policy=policy):
        return []
    year = inspection.date.year
    holds = inspection.pk and inspection.slot_year == year and inspection.counts_toward_cap
    errors = []
    cap = yearly_cap_for(enterprise=enterprise)
    used = used_slots(enterprise=enterprise, year=year) - (1 if holds else 0)
    if used + 1 > cap:
        errors.append(exc.EnterpriseOverYearlyCap(detail={"year": year, "pool": enterprise.pool, "yearly_cap": cap,
                                                          "used": used}))
    by_agency = used_slots_by_agency_map(enterprise=enterprise, year=year)
    over = []
    for p in parts:
        n = by_agency.get(p.agency_id, 0) - (1 if holds else 0)
        if n + 1 > policy.per_agency_yearly_cap:
            over.append({"agency": p.agency.code, "used": n, "cap": policy.per_agency_yearly_cap})
    if over:
        errors.append(exc.AgencyOverYearlyCap(detail={"year": year, "agencies": over}))
    return errors


def _triggered_counts(inspection, agency_id=None):
    qs = Inspection.objects.filter(enterprise_id=inspection.enterprise_id, kind=Inspection.Kind.TRIGGERED,
                                   status__in=LIVE_STATUSES).exclude(pk=inspection.pk)
    if agency_id:
        qs = qs.filter(participations__agency_id=agency_id)
    return qs


def _triggered_frequency(inspection, enterprise, parts, policy, report):
    """Rule 3: warnings above 1/day, 2/week, 3/month; refusal + Block above 4/month (any agency) or
    2/month (same agency). The attempt itself is counted (+1)."""
    if inspection.kind != Inspection.Kind.TRIGGERED:
        return []
    day = inspection.date
    first, last = _month_bounds(day)
    week_start = day - timedelta(days=day.weekday())
    month_key = f"{day:%Y-%m}"
    base = _triggered_counts(inspection)
    n_day = base.filter(date=day).count() + 1
    n_week = base.filter(date__gte=week_start, date__lte=week_start + timedelta(days=6)).count() + 1
    n_month = base.filter(date__gte=first, date__lte=last).count() + 1
    agency = inspection.initiating_agency
    for n, limit, label, period in ((n_day, policy.triggered_warn_per_day, _("当日"), f"d{day:%Y%m%d}"),
                                    (n_week, policy.triggered_warn_per_week, _("本周"), f"w{week_start:%Y%m%d}"),
                                    (n_month, policy.triggered_warn_per_month, _("本月"), f"m{day:%Y%m}")):
        if n > limit:
            report.warnings.append(dict(
                kind="triggered_frequency_warning", severity="warning", agency=agency, enterprise_uscc=enterprise.uscc,
                title=_("触发式检查过频预警：%(name)s %(label)s第%(n)s次") % {"name": enterprise.name, "label": label, "n": n},
                message=_("同一企业触发式检查%(label)s超过%(limit)s次。") % {"label": label, "limit": limit},
                source=f"triggered:{month_key}", dedupe_key=f"trigwarn:{enterprise.uscc}:{period}:{n}"))
    errors, blocked_agencies = [], []
    reason_all = _("同一企业本月触发式检查超过%(n)s次（全部单位）。") % {"n": policy.triggered_block_per_month}
    if n_month > policy.triggered_block_per_month:
        report.blocks.append(dict(enterprise=enterprise, rule=Block.Rule.TRIGGERED_FREQUENCY, reason=reason_all,
                                  starts_on=day, ends_on=last, source=f"triggered:{month_key}"))
        blocked_agencies.append(None)
    for p in parts:
        n_agency = _triggered_counts(inspection, p.agency_id).filter(date__gte=first, date__lte=last).count() + 1
        if n_agency > policy.triggered_block_per_month_same_agency:
            report.blocks.append(dict(
                enterprise=enterprise, agency=p.agency, rule=Block.Rule.TRIGGERED_FREQUENCY, starts_on=day,
                ends_on=last, source=f"triggered:{month_key}",
                reason=_("%(agency)s本月对同一企业触发式检查超过%(n)s次。") % {
                    "agency": p.agency.name, "n": policy.triggered_block_per_month_same_agency}))
            blocked_agencies.append(p.agency.code)
    existing = [b for b in blocks_applying_to(enterprise=enterprise, agencies=[p.agency_id for p in parts], on_date=day)
                if b.rule == Block.Rule.TRIGGERED_FREQUENCY]
    if blocked_agencies or existing:
        errors.append(exc.TriggeredFrequencyBlocked(detail={
            "month": month_key, "count_month": n_month, "blocked_agencies": blocked_agencies,
            "blocks": [b.pk for b in existing]}))
    return errors


def _low_efficiency(inspection, enterprise, parts, policy, report):
    """Rule 4 (成都): the same inspector with N consecutive no-finding inspections at the enterprise
    within a year is blocked there (an inspector-scoped Block) and refused."""
    n = policy.low_efficiency_consecutive
    if not n:
        return []
    hits = []
    since = inspection.date - timedelta(days=365)
    for p in parts:
        for i in p.inspectors.all():
            outcomes = list(Inspection.objects.filter(
                enterprise=enterprise, participations__inspectors=i, date__gte=since, date__lte=inspection.date)
                .exclude(pk=inspection.pk).exclude(outcome="").order_by("-date", "-id")
                .values_list("outcome", flat=True)[:n])
            if len(outcomes) == n and all(o == Inspection.Outcome.NO_ISSUE for o in outcomes):
                hits.append({"inspector": i.pk, "name": i.name})
                report.blocks.append(dict(
                    enterprise=enterprise, inspector=i, agency=None, rule=Block.Rule.LOW_EFFICIENCY,
                    starts_on=inspection.date, ends_on=inspection.date + timedelta(days=365), source="low_efficiency",
                    reason=_("%(name)s在该企业连续%(n)s次检查未发现问题。") % {"name": i.name, "n": n}))
    return [exc.InspectorLowEfficiencyBlocked(detail={"inspectors": hits})] if hits else []


def _block_errors(inspection, enterprise, parts, report):
    inspectors = [i.pk for p in parts for i in p.inspectors.all()]
    blocks = list(blocks_applying_to(enterprise=enterprise, agencies=[p.agency_id for p in parts],
                                     inspectors=inspectors, on_date=inspection.date))
    enterprise_blocks = [b for b in blocks if b.rule not in (Block.Rule.TRIGGERED_FREQUENCY, Block.Rule.LOW_EFFICIENCY)]
    low = [b for b in blocks if b.rule == Block.Rule.LOW_EFFICIENCY]
    errors = []
    if enterprise_blocks:
        errors.append(exc.EnterpriseBlocked(detail={"blocks": [
            {"id": b.pk, "rule": b.rule, "reason": b.reason, "agency": getattr(b.agency, "code", None)}
            for b in enterprise_blocks]}))
    return errors, low


def inspection_gate_report(*, inspection: Inspection, enterprise: Enterprise | None = None,
                           late: bool = False) -> GateReport:
    """Evaluate every gate; never raises, never writes. `late` (先查后补码) skips advance notice."""
    policy = FrequencyPolicy.current()
    enterprise = enterprise or inspection.enterprise
    parts = _participations(inspection)
    report = GateReport()
    on_date = inspection.date
    errs = report.errors
    errs += _matter_errors(parts, on_date)
    errs += _inspector_errors(parts, on_date)
    if len(parts) > 1 and (enterprise.pool == Pool.NON_JOINT or not enterprise.joins_joint):
        errs.append(exc.EnterpriseNotJoint(_("该企业在非联合检查对象库，不能进行多部门联合检查。"),
                                           detail={"pool": enterprise.pool, "agencies": [p.agency.code for p in parts]}))
    errs += _cap_errors(inspection, enterprise, parts, policy)
    errs += _triggered_frequency(inspection, enterprise, parts, policy, report)
    block_errs, low_blocks = _block_errors(inspection, enterprise, parts, report)
    errs += block_errs
    low_errs = _low_efficiency(inspection, enterprise, parts, policy, report)
    if low_blocks and not low_errs:
        low_errs = [exc.InspectorLowEfficiencyBlocked(detail={"inspectors": [
            {"inspector": b.inspector_id, "name": b.inspector.name} for b in low_blocks]})]
    errs += low_errs
    if inspection.mode == Inspection.Mode.ONSITE and not (inspection.onsite_justification or "").strip():
        matters = [m for p in parts for m in p.matters.all()]
        if matters and all(m.offsite_capable for m in matters):
            errs.append(exc.OnsiteJustificationRequired(detail={"matters": [m.code for m in matters]}))
    if not late and inspection.mode != Inspection.Mode.ONLINE_PATROL:
        noticed = inspection.notified_at and (inspection.notice_method or "").strip()
        if not noticed and not (inspection.notice_exempt_reason or "").strip():
            errs.append(exc.AdvanceNoticeMissing())
    if inspection.kind == Inspection.Kind.PLANNED:
        plan = inspection.plan
        ok = (plan is not None and plan.status in (plan.Status.FILED, plan.Status.PUBLISHED)
              and plan.targets.filter(enterprise=enterprise).exists())
        if not ok:
            errs.append(exc.PlanNotFiled(detail={"plan": getattr(plan, "pk", None),
                                                 "status": getattr(plan, "status", None)}))
    if policy.require_training and inspection.mode == Inspection.Mode.ONSITE:
        # 举措 9: optional, set by 司法局. The training app records a pass on the Inspector itself, so
        # this gate reads subjects and needs nothing from above plans.
        untrained = [{"inspector": i.pk, "name": i.name} for p in parts for i in p.inspectors.all()
                     if not i.is_helper and i.checkcode_test_passed_at is None]
        if untrained:
            errs.append(exc.InspectorNotTrained(detail={"inspectors": untrained}))
    return report


def gate_effects_apply(report: GateReport, *, by=None):
    """Write a report's warnings and blocks (idempotent: both dedupe)."""
    for kwargs in report.blocks:
        block_create(by=None, **kwargs)
    for kwargs in report.warnings:
        alert_raise(**kwargs)


def inspection_gates_enforce(*, inspection: Inspection, enterprise: Enterprise, late: bool = False) -> GateReport:
    """Raise RuleViolations (code = first failing rule, detail = all) or return the passing report.

    Precondition: inside a transaction holding `Enterprise.objects.select_for_update()` on the
    inspection's enterprise, so counts cannot change before the caller writes."""
    report = inspection_gate_report(inspection=inspection, enterprise=enterprise, late=late)
    if report.errors:
        violations = RuleViolations(report.errors)
        violations.report = report
        raise violations
    return report


def gate_refusal_record(*, inspection: Inspection, by, stage: str, violations: RuleViolations) -> GateRefusal:
    """Record a refusal (who, when, which rule, stage) and the refused attempt's blocks and warnings.

    Call AFTER the attempt's transaction rolled back: this runs in its own transaction so the record
    stays even though the attempt left nothing else behind."""
    report = getattr(violations, "report", None) or GateReport(errors=violations.errors)
    with transaction.atomic():
        refusal = GateRefusal.objects.create(
            inspection_id=inspection.pk, user=by if getattr(by, "pk", None) else None,
            agency_id=getattr(by, "agency_id", None) or inspection.initiating_agency_id, stage=stage,
            code=violations.code, message=violations.message, all_codes=report.codes)
        gate_effects_apply(report)
        if ALERTING_CODES.intersection(report.codes):
            enterprise = Enterprise.objects.get(pk=inspection.enterprise_id)
            alert_raise(
                kind="gate_refusal", severity="block", agency=inspection.initiating_agency,
                title=_("检查被拒绝：%(name)s（%(msg)s）") % {"name": enterprise.name, "msg": violations.message},
                message="；".join(e.message for e in report.errors), enterprise_uscc=enterprise.uscc,
                target=refusal, source=f"gate:{stage}", dedupe_key=f"refusal:{refusal.pk}")
    return refusal

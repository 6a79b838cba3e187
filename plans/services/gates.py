"""The gate protocol: the one home of how approval, issuing a 检查码 and registering a late code run the
rules (docs/domain.md "检查码 workflow" 2, "Frequency rules" 5; docs/api.md "Semantics").

`gate_attempt` is the context manager all three use. It owns:
- the lock order: the enterprise row FIRST (it serialises competitors for the enterprise's last slot),
  then the inspection row;
- the gates: every rule of `gate_rules.GATES`, in their documented order, evaluated under the lock;
  a refusal raises RuleViolations (code = the first failing rule, detail = all of them);
- their effects: a passing attempt writes its warnings (and blocks) inside its own transaction after
  the caller's body;
- the refusal record: a refused attempt rolls back, then `gate_refusal_record` writes the GateRefusal,
  the blocks the refusal called for and the Alert, in a transaction of their own.

Do not call inside an outer transaction: the refusal record must commit while the attempt rolls back.
"""
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Prefetch, prefetch_related_objects
from django.utils.translation import gettext as _

from jiujiang_inspect.alerts import alert_raise
from jiujiang_inspect.exceptions import RuleViolations
from matters.models import InspectionMatter
from subjects.models import Inspector

from ..models import Enterprise, FrequencyPolicy, GateRefusal, Inspection, Participation
from ..selectors.blocks import blocks_on
from ..selectors.counting import policy_with_cap
from .blocks import block_create
from .gate_rules import GATES, GateContext

#: Refusals that also open an Alert for the 司法局 (docs/domain.md "Frequency rules" 5).
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


def _parts_prefetch():
    """The participations with everything the gates read, in four queries: participations (+ agency),
    inspectors (+ certificate, agency), matters, their legal bases."""
    inspectors = Inspector.objects.select_related("certificate", "agency")
    parts = Participation.objects.select_related("agency").prefetch_related(
        Prefetch("inspectors", queryset=inspectors), "matters__legal_bases")
    return Prefetch("participations", queryset=parts)


def _participations(inspection):
    """The participations as the gates read them: those `gate_attempt` prefetched on the locked row,
    else read now (4 queries; a list row's own prefetch lacks certificates and legal bases)."""
    if not getattr(inspection, "_gate_parts", False):
        inspection = Inspection(pk=inspection.pk)
        prefetch_related_objects([inspection], _parts_prefetch())
    return list(inspection.participations.all())


class _Rows(list):
    """A list the gates read like a related manager (`.all()`)."""

    def all(self):
        return self


@dataclass
class DraftParticipation:
    """A participation as the gates read it before it is saved (`inspection_gate_preview`)."""

    agency: object
    inspectors: _Rows
    matters: _Rows

    @property
    def agency_id(self):
        return self.agency.pk


def draft_participations(participations: list[dict]) -> list[DraftParticipation]:
    """[{"agency", "inspectors", "matters"}] as the gates read participations, the inspectors with their
    certificates and agencies and the matters with their legal bases (2 queries + 1 per agency)."""
    parts = []
    for p in participations:
        people = Inspector.objects.select_related("certificate", "agency").filter(
            pk__in=[i.pk for i in p.get("inspectors") or []]).order_by("name", "id")
        matters = InspectionMatter.objects.prefetch_related("legal_bases").filter(
            pk__in=[m.pk for m in p.get("matters") or []]).order_by("code")
        parts.append(DraftParticipation(agency=p["agency"], inspectors=_Rows(people), matters=_Rows(matters)))
    return parts


def inspection_gate_report(*, inspection: Inspection, enterprise: Enterprise | None = None,
                           late: bool = False, policy: FrequencyPolicy | None = None,
                           parts: list | None = None) -> GateReport:
    """Evaluate every gate in order; never raises, never writes. `late` (先查后补码) skips advance
    notice. Returns the errors (in gate order), the warnings and the blocks the rules call for.
    `parts` (DraftParticipation) stand for the participations of an inspection not saved yet.

    Reads a fixed number of queries whatever the number of agencies and inspectors: the
    participations (4, skipped when already prefetched), the policy with the pool's cap (1, skipped
    when `policy` carries it), the slots (1), the enterprise's blocks (1), the no-finding streaks (1),
    the plan's members and targets (1, planned and special inspections), triggered counts (2,
    triggered inspections)."""
    enterprise = enterprise or inspection.enterprise
    if policy is None or getattr(policy, "pool_cap", None) is None:
        policy = policy_with_cap(pool=enterprise.pool)
    parts = _participations(inspection) if parts is None else parts
    ctx = GateContext(inspection=inspection, enterprise=enterprise, parts=parts,
                      policy=policy, late=late, cap=policy.pool_cap,
                      existing_blocks=blocks_on(enterprise=enterprise, on_date=inspection.date))
    errors = [e for gate in GATES for e in gate(ctx=ctx)]
    return GateReport(errors=errors, warnings=ctx.warnings, blocks=ctx.blocks)


def gate_effects_apply(report: GateReport, *, by=None):
    """Write a report's blocks and warnings (idempotent: both dedupe)."""
    for kwargs in report.blocks:
        block_create(by=None, **kwargs)
    for kwargs in report.warnings:
        alert_raise(**kwargs)


def inspection_gates_enforce(*, inspection: Inspection, enterprise: Enterprise, late: bool = False,
                             policy: FrequencyPolicy | None = None) -> GateReport:
    """Raise RuleViolations (code = first failing rule, detail = all) or return the passing report.

    Precondition: inside `gate_attempt` (the enterprise row is locked, so counts cannot change before
    the caller writes)."""
    report = inspection_gate_report(inspection=inspection, enterprise=enterprise, late=late, policy=policy)
    if report.errors:
        violations = RuleViolations(report.errors)
        violations.report = report
        raise violations
    return report


def gate_refusal_record(*, inspection: Inspection, by, stage: str, violations: RuleViolations) -> GateRefusal:
    """Record a refusal (who, when, which rule, stage) and the refused attempt's blocks and warnings,
    in a transaction of its own (called by `gate_attempt` after the attempt rolled back)."""
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


@dataclass
class GateAttempt:
    inspection: Inspection  # the locked row, its participations prefetched, its enterprise the locked row
    enterprise: Enterprise  # the locked row
    report: GateReport
    policy: FrequencyPolicy  # read once per attempt

    @property
    def matters(self):
        return [m for p in self.inspection.participations.all() for m in p.matters.all()]


@contextmanager
def gate_attempt(*, inspection: Inspection, by, stage: str, late: bool = False, precheck=None):
    """Run the gates for one attempt (stage "approve", "issue" or "late_code").

    Locks the enterprise, then the inspection (with its plan and participations); reads the policy
    once; calls `precheck(locked_inspection, policy)` (state and permission checks, which may raise);
    runs every gate; yields a GateAttempt whose rows the caller's body then writes; applies the
    report's effects. On a refusal the attempt rolls back and the refusal is recorded; RuleViolations
    propagates (409). Every count is read after the lock is held, in statements of their own (a
    count in the locking statement would read the snapshot taken before the wait)."""
    try:
        with transaction.atomic():
            enterprise = Enterprise.objects.select_for_update().get(pk=inspection.enterprise_id)
            locked = (Inspection.objects.select_for_update(of=("self",)).select_related("plan")
                      .prefetch_related(_parts_prefetch()).get(pk=inspection.pk))
            locked.enterprise, locked._gate_parts = enterprise, True
            policy = policy_with_cap(pool=enterprise.pool)
            if precheck is not None:
                precheck(locked, policy)
            report = inspection_gates_enforce(inspection=locked, enterprise=enterprise, late=late, policy=policy)
            yield GateAttempt(inspection=locked, enterprise=enterprise, report=report, policy=policy)
            gate_effects_apply(report)
    except RuleViolations as violations:
        gate_refusal_record(inspection=inspection, by=by, stage=stage, violations=violations)
        raise

"""Property (issue 11, part 2): on any history, the monthly audit reports a breach exactly when the
real-time gate would have refused, for every rule both check: the enterprise's yearly cap, the
per-agency yearly cap, the triggered-frequency block overall and per agency.

Hypothesis generates histories of inspections (kinds, modes, joint or not, cancelled, revoked before
the window, late codes, results recorded, dates across month and year ends) and replays them in order:
before each one is written, the gate functions themselves (`gate_rules.yearly_caps`,
`gate_rules.triggered_frequency`) judge it against what is already written; then it is written as it
ended (data entered through late codes or elsewhere passes no gate). Afterwards the audit runs for
every month of the history and the blocks it opened are compared with the refusals.
"""
from datetime import date

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from plans.models import Block, Enterprise, FrequencyPolicy, Inspection, Participation
from plans.selectors.counting import takes_slot
from plans.services.gate_rules import GateContext, triggered_frequency, yearly_caps
from subjects.tests.factories import AgencyFactory
from supervision.services.audit import frequency_audit_run

pytestmark = pytest.mark.django_db

DAYS = [date(2025, 3, 31), date(2025, 4, 1), date(2025, 12, 29), date(2025, 12, 31), date(2026, 1, 1),
        date(2026, 1, 5), date(2026, 1, 31), date(2026, 2, 1)]
FATES = ["issued", "late_code", "result", "approved", "revoked_before_window", "cancelled"]
COUNTED_FATES = {"issued", "late_code", "result", "approved", "revoked_before_window"}
SLOT_FATES = {"issued", "late_code", "result"}

event = st.fixed_dictionaries({
    "enterprise": st.integers(0, 1),
    "agencies": st.sets(st.integers(0, 2), min_size=1, max_size=2),  # two distinct agencies: joint
    "kind": st.sampled_from(["planned", "special", "triggered", "triggered", "recheck"]),
    "mode": st.sampled_from(["onsite", "onsite", "onsite", "document"]),
    "enterprise_request": st.booleans(),
    "day": st.sampled_from(DAYS),
    "fate": st.sampled_from(FATES),
})
history = st.fixed_dictionaries({
    "pools": st.tuples(st.sampled_from(["whitelist", "joint", "non_joint"]), st.sampled_from(["whitelist", "joint"])),
    "triggered_counts_toward_cap": st.booleans(),
    "events": st.lists(event, min_size=1, max_size=12),
})


def _write(ev, enterprises, agencies):
    insp = Inspection.objects.create(
        enterprise=enterprises[ev["enterprise"]], initiating_agency=agencies[min(ev["agencies"])], kind=ev["kind"],
        mode=ev["mode"], date=ev["day"], status=Inspection.Status.DRAFT,
        trigger_source=("enterprise_request" if ev["enterprise_request"] else "complaint")
        if ev["kind"] == "triggered" else "")
    for n, a in enumerate(sorted(ev["agencies"])):
        Participation.objects.create(inspection=insp, agency=agencies[a], is_lead=(n == 0))
    return insp


def _refusals(insp, enterprise, policy):
    """What the real-time gate refuses for this attempt: {(rule, enterprise, agency or None, period)}."""
    parts = list(insp.participations.select_related("agency"))
    ctx = GateContext(inspection=insp, enterprise=enterprise, parts=parts, policy=policy)
    found = set()
    for err in yearly_caps(ctx=ctx):
        if err.code == "enterprise_over_yearly_cap":
            found.add(("yearly_cap", enterprise.pk, None, insp.date.year))
        else:
            found |= {("yearly_cap", enterprise.pk, next(p.agency_id for p in parts if p.agency.code == a["agency"]),
                       insp.date.year) for a in err.detail["agencies"]}
    if triggered_frequency(ctx=ctx):
        found |= {("triggered_frequency", enterprise.pk, getattr(b.get("agency"), "pk", None), f"{insp.date:%Y-%m}")
                  for b in ctx.blocks}
    return found


def _end_as(insp, fate, policy):
    takes = takes_slot(inspection=insp, policy=policy)
    insp.counts_toward_cap = takes
    if fate == "cancelled":
        insp.status = Inspection.Status.CANCELLED
    elif fate in ("approved", "revoked_before_window"):  # a code revoked before its window frees its slot
        insp.status = Inspection.Status.APPROVED
    else:
        insp.status = Inspection.Status.RESULT_RECORDED if fate == "result" else Inspection.Status.CODE_ISSUED
        insp.slot_year = insp.date.year if takes else None
        insp.is_emergency = fate == "late_code"
    insp.save()


def _audit_breaches():
    found = set()
    for b in Block.objects.filter(source__startswith="audit:"):
        period = b.starts_on.year if b.rule == Block.Rule.YEARLY_CAP else b.source.removeprefix("audit:")
        found.add((b.rule, b.enterprise_id, b.agency_id, period))
    return found


@settings(max_examples=60, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(h=history)
def test_monthly_audit_reports_a_breach_exactly_when_the_gate_would_have_refused(h):
    with transaction.atomic():
        agencies = [AgencyFactory(code=f"PROP{i}") for i in range(3)]
        enterprises = [Enterprise.objects.create(uscc=f"91340207MA2PROP{i:02d}X", name=f"性质测试企业{i}", town="wanli",
                                                 pool=pool) for i, pool in enumerate(h["pools"])]
        policy = FrequencyPolicy.current()
        policy.triggered_counts_toward_cap = h["triggered_counts_toward_cap"]
        policy.save()
        refused = set()
        for ev in h["events"]:
            insp = _write(ev, enterprises, agencies)
            ent = enterprises[ev["enterprise"]]
            if ev["fate"] in COUNTED_FATES:
                # The gate judges the attempt by what it would hold: a slot (caps) only when it ends holding one.
                caps_apply = ev["fate"] in SLOT_FATES
                for r in _refusals(insp, ent, policy):
                    if r[0] != "yearly_cap" or caps_apply:
                        refused.add(r)
            _end_as(insp, ev["fate"], policy)
        for month in sorted({f"{ev['day']:%Y-%m}" for ev in h["events"]}):
            frequency_audit_run(month=month)
        assert _audit_breaches() == refused
        transaction.set_rollback(True)

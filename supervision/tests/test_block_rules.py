"""Blocks: an override works (decision a), one block period for gate and audit (decision b), and the
audit blocks only breaches, which refuse only what takes a slot (decision c). Issue 11."""
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from jiujiang_inspect.exceptions import RuleViolations
from jiujiang_inspect.models import Alert
from plans.models import Block, FrequencyPolicy, Inspection
from plans.services.block_periods import block_period
from plans.services.blocks import block_override
from plans.services.gates import inspection_gate_report
from plans.services.inspections import inspection_approve
from plans.tests.factories import EnterpriseFactory, make_inspection
from supervision.services.audit import frequency_audit_run
from supervision.tests.factories import InspectionFactory

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")


def _triggered(agency, ent, day, status=Inspection.Status.APPROVED):
    return make_inspection(agency=agency, enterprise=ent, kind=Inspection.Kind.TRIGGERED, day=day, status=status)


def _refused_codes(insp, by):
    with pytest.raises(RuleViolations) as caught:
        inspection_approve(inspection=insp, by=by)
    return [e.code for e in caught.value.errors]


# ---- a. override works -----------------------------------------------------------------------------

def test_override_lets_the_refused_inspection_pass_and_only_a_new_breach_beyond_it_blocks_again(
        agency_a, anna, rita):
    """GIVEN agency A with 2 triggered inspections of an enterprise this month (same-agency limit 2)
    WHEN A's admin approves a third THEN it is refused and a block (count 3) opens with its alert;
    WHEN the 司法局 overrides the block THEN its alert is resolved and the third is approved;
    AND a fourth (a new breach beyond the count at the override) is refused and blocks again."""
    ent = EnterpriseFactory()
    day = date.today() + timedelta(days=2)
    for _ in range(2):
        _triggered(agency_a, ent, day)
    third = _triggered(agency_a, ent, day, status=Inspection.Status.DRAFT)
    assert "triggered_frequency_blocked" in _refused_codes(third, anna)
    block = Block.objects.get(enterprise=ent, agency=agency_a, rule=Block.Rule.TRIGGERED_FREQUENCY)
    assert block.breach_count == 3
    alert = Alert.objects.get(dedupe_key=f"block:{block.pk}")
    assert alert.status == Alert.Status.OPEN

    block_override(block=block, by=rita, reason="同一投诉的三次转办，经核实确有必要")
    alert.refresh_from_db()
    assert alert.status == Alert.Status.RESOLVED and alert.handled_by == rita
    assert inspection_approve(inspection=third, by=anna).status == Inspection.Status.APPROVED
    assert Block.objects.filter(enterprise=ent, status=Block.Status.ACTIVE).count() == 0

    fourth = _triggered(agency_a, ent, day, status=Inspection.Status.DRAFT)
    assert "triggered_frequency_blocked" in _refused_codes(fourth, anna)
    again = Block.objects.get(enterprise=ent, agency=agency_a, status=Block.Status.ACTIVE)
    assert again.breach_count == 4


def test_override_of_a_low_efficiency_block_lets_the_inspector_back_in(agency_a, anna, rita):
    """GIVEN an inspector with three consecutive no-finding results at an enterprise (refused, blocked)
    WHEN the 司法局 overrides the block THEN the same inspector is approved there again."""
    ent = EnterpriseFactory()
    first = make_inspection(agency=agency_a, enterprise=ent, day=date.today() - timedelta(days=30),
                            status=Inspection.Status.CLOSED, outcome=Inspection.Outcome.NO_ISSUE)
    inspectors = list(first.participations.get().inspectors.all())
    for d in (20, 10):
        make_inspection(agency=agency_a, enterprise=ent, inspectors=inspectors, day=date.today() - timedelta(days=d),
                        status=Inspection.Status.CLOSED, outcome=Inspection.Outcome.NO_ISSUE)
    attempt = make_inspection(agency=agency_a, enterprise=ent, inspectors=inspectors)
    assert _refused_codes(attempt, anna) == ["inspector_low_efficiency_blocked"]
    blocks = Block.objects.filter(enterprise=ent, rule=Block.Rule.LOW_EFFICIENCY, status=Block.Status.ACTIVE)
    assert blocks.count() == 2  # one per inspector
    for b in blocks:
        block_override(block=b, by=rita, reason="专项整治需要，同意继续检查")
    assert inspection_approve(inspection=attempt, by=anna).status == Inspection.Status.APPROVED


# ---- b. one block period ---------------------------------------------------------------------------

def test_block_period_rule():
    """Triggered: to the end of the calendar month of creation; yearly cap: to 31 December;
    low efficiency: 12 months from the third no-finding result."""
    T, C, L = Block.Rule.TRIGGERED_FREQUENCY, Block.Rule.YEARLY_CAP, Block.Rule.LOW_EFFICIENCY
    assert block_period(rule=T, breach_on=date(2025, 3, 12), created_on=date(2025, 3, 12)) == (
        date(2025, 3, 1), date(2025, 3, 31))
    assert block_period(rule=T, breach_on=date(2025, 3, 1), created_on=date(2025, 4, 1)) == (
        date(2025, 3, 1), date(2025, 4, 30))
    assert block_period(rule=C, breach_on=date(2025, 12, 1), created_on=date(2026, 1, 1)) == (
        date(2025, 12, 1), date(2025, 12, 31))
    assert block_period(rule=L, breach_on=date(2025, 5, 20)) == (date(2025, 5, 20), date(2026, 5, 19))
    assert block_period(rule=L, breach_on=date(2024, 2, 29)) == (date(2024, 2, 29), date(2025, 2, 27))


def test_gate_and_audit_give_a_triggered_block_the_same_end(agency_a, agency_b, anna):
    """GIVEN, on 12 March 2025, a refused triggered inspection (the gate opens a block) at one
    enterprise and five triggered visits at another found by the audit run the same day
    THEN both blocks end on 31 March 2025: the end of the month in which they were created."""
    with time_machine.travel(datetime(2025, 3, 12, 10, 0, tzinfo=SH), tick=False):
        ent = EnterpriseFactory()
        for _ in range(2):
            _triggered(agency_a, ent, date(2025, 3, 14))
        assert "triggered_frequency_blocked" in _refused_codes(
            _triggered(agency_a, ent, date(2025, 3, 14), status=Inspection.Status.DRAFT), anna)
        other = EnterpriseFactory()
        for d in range(1, 6):
            InspectionFactory(enterprise=other, initiating_agency=agency_b if d % 2 else agency_a, kind="triggered",
                              date=date(2025, 3, d * 2))
        frequency_audit_run(month="2025-03")
    gate_block = Block.objects.get(enterprise=ent)
    audit_block = Block.objects.get(enterprise=other, agency__isnull=True)
    assert gate_block.ends_on == audit_block.ends_on == date(2025, 3, 31)


def test_low_efficiency_block_runs_twelve_months_from_the_third_no_finding_result(agency_a, anna):
    ent = EnterpriseFactory()
    today = date.today()
    days = [today - timedelta(days=d) for d in (90, 60, 40)]
    first = make_inspection(agency=agency_a, enterprise=ent, day=days[0], status=Inspection.Status.CLOSED,
                            outcome=Inspection.Outcome.NO_ISSUE)
    inspectors = list(first.participations.get().inspectors.all())
    for d in days[1:]:
        make_inspection(agency=agency_a, enterprise=ent, inspectors=inspectors, day=d,
                        status=Inspection.Status.CLOSED, outcome=Inspection.Outcome.NO_ISSUE)
    _refused_codes(make_inspection(agency=agency_a, enterprise=ent, inspectors=inspectors), anna)
    block = Block.objects.filter(rule=Block.Rule.LOW_EFFICIENCY).first()
    assert (block.starts_on, block.ends_on) == block_period(rule=Block.Rule.LOW_EFFICIENCY, breach_on=days[2])


# ---- c. the audit blocks breaches, and only what counts ---------------------------------------------

def test_audit_does_not_block_an_enterprise_that_merely_reached_its_cap(agency_a):
    ent = EnterpriseFactory(pool="whitelist")  # cap 1
    InspectionFactory(enterprise=ent, initiating_agency=agency_a, date=date(2025, 5, 6))
    frequency_audit_run(month="2025-05")
    assert not Block.objects.filter(enterprise=ent).exists()


def test_a_cap_block_refuses_only_inspections_that_take_a_slot(agency_a):
    """GIVEN a whitelisted enterprise (cap 1) with two slot-taking visits (a late code): the audit
    blocks it for the year
    THEN an off-site check, a recheck, an enterprise-requested check and a triggered check (while
    triggered checks do not count toward caps) pass every gate; an on-site special inspection is
    refused (over its cap and blocked)."""
    year = date.today().year
    ent = EnterpriseFactory(pool="whitelist")
    for m in (1, 2):
        InspectionFactory(enterprise=ent, initiating_agency=agency_a, date=date(year, m, 10))
    frequency_audit_run(month=f"{year}-02")
    assert Block.objects.filter(enterprise=ent, rule=Block.Rule.YEARLY_CAP, status=Block.Status.ACTIVE).exists()
    day = date.today() + timedelta(days=1)
    if day.year != year:
        pytest.skip("the block is for this year")
    checked = make_inspection(agency=agency_a, enterprise=ent, day=date(year, 1, 10), status="closed")
    free = [
        make_inspection(agency=agency_a, enterprise=ent, day=day, mode=Inspection.Mode.DOCUMENT),
        make_inspection(agency=agency_a, enterprise=ent, day=day, kind=Inspection.Kind.RECHECK, rechecks=checked),
        make_inspection(agency=agency_a, enterprise=ent, day=day, kind=Inspection.Kind.TRIGGERED,
                        trigger_source=Inspection.TriggerSource.ENTERPRISE_REQUEST),
        make_inspection(agency=agency_a, enterprise=ent, day=day, kind=Inspection.Kind.TRIGGERED),
    ]
    assert not FrequencyPolicy.current().triggered_counts_toward_cap
    for insp in free:
        assert inspection_gate_report(inspection=insp).codes == [], insp.kind
    onsite = make_inspection(agency=agency_a, enterprise=ent, day=day)
    assert {"enterprise_over_yearly_cap", "enterprise_blocked"} <= set(inspection_gate_report(inspection=onsite).codes)

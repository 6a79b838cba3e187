"""The monthly frequency audit on constructed histories (docs/domain.md "Frequency rules")."""
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from jiujiang_inspect.models import Alert
from plans.models import Block, Inspection, MonthlyFilingSummary
from plans.selectors.blocks import blocks_applying_to
from plans.services.blocks import block_override
from plans.services.filing_summaries import filing_summary_confirm
from supervision.models import JobRun
from supervision.periods import previous_month
from supervision.services import audit as audit_service
from supervision.services.audit import frequency_audit_run
from supervision.tasks import frequency_audit_run_task

from .factories import EnterpriseFactory, InspectionFactory

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")


def scheduled(month):
    """The audit as the schedule runs it: at 02:00 on the 1st of the following month (Shanghai)."""
    from supervision.periods import parse_month

    first_next = parse_month(month)[1].toordinal() + 1
    with time_machine.travel(datetime.combine(date.fromordinal(first_next), datetime.min.time().replace(hour=2),
                                              tzinfo=SH), tick=False):
        return frequency_audit_run(month=month)


def triggered(enterprise, agency, day, **kw):
    return InspectionFactory(enterprise=enterprise, initiating_agency=agency, kind="triggered", date=day, **kw)


def active_blocks(enterprise, **kw):
    return Block.objects.filter(enterprise=enterprise, status=Block.Status.ACTIVE, **kw)


def state():
    """Everything the audit writes, as comparable sets."""
    alerts = set(Alert.objects.filter(kind__startswith="audit.").values_list("dedupe_key", "status"))
    blocks = set(Block.objects.values_list("enterprise_id", "agency_id", "rule", "status", "starts_on", "ends_on"))
    sums = set(MonthlyFilingSummary.objects.values_list("agency_id", "month", "total", "warnings", "blocks"))
    return alerts, blocks, sums


def test_joint_inspection_counts_once_for_enterprise_and_once_per_agency(agency_a, agency_b):
    """GIVEN an enterprise of the joint pool (cap 2) with one joint visit by A+B and one visit by A
    WHEN the March audit runs
    THEN the enterprise has used 2 (not 3): at its cap, not above it, so neither a block nor a warning
         (decision c); A (2 visits) is at the per-agency cap of 2, B (1 visit) below it.
    AND a third visit, by B, takes the enterprise above its cap: blocked to 31 December, warned."""
    ent = EnterpriseFactory(pool="joint")
    InspectionFactory(enterprise=ent, initiating_agency=agency_a, agencies=[agency_a, agency_b], date=date(2025, 3, 3))
    InspectionFactory(enterprise=ent, initiating_agency=agency_a, date=date(2025, 3, 20))
    run = scheduled("2025-03")
    assert run.status == JobRun.Status.SUCCEEDED
    assert not Block.objects.exists()
    assert not Alert.objects.filter(kind__in=["audit.cap_exceeded", "audit.agency_cap_exceeded"]).exists()
    assert run.counts["agencies"]["SCJG"] == {"month": 2, "ytd": 2, "triggered_month": 0}
    assert run.counts["agencies"]["YJGL"]["ytd"] == 1
    InspectionFactory(enterprise=ent, initiating_agency=agency_b, date=date(2025, 3, 25))
    scheduled("2025-03")
    block = active_blocks(ent, agency__isnull=True, rule="yearly_cap").get()
    assert (block.ends_on, block.breach_count) == (date(2025, 12, 31), 3)
    assert not active_blocks(ent, agency__isnull=False).exists()
    assert Alert.objects.filter(kind="audit.cap_exceeded").count() == 1


def test_offsite_and_triggered_inspections_do_not_use_the_onsite_cap(agency_a):
    ent = EnterpriseFactory(pool="whitelist")  # cap 1
    InspectionFactory(enterprise=ent, initiating_agency=agency_a, mode="document", date=date(2025, 5, 6))
    triggered(ent, agency_a, date(2025, 5, 7))
    frequency_audit_run(month="2025-05")
    assert not active_blocks(ent).exists()


def test_cap_exceeded_in_december_holds_until_new_year_midnight_in_shanghai(agency_a):
    """GIVEN a whitelisted enterprise (cap 1) inspected on 1 and 10 December 2025 (above its cap)
    WHEN a reviewer runs the December audit mid-month
    THEN issuance is blocked through 23:59 on 31 December (Shanghai) and free at 00:00 on 1 January,
         and the January audit does not carry December's visits into 2026."""
    ent = EnterpriseFactory(pool="whitelist")
    InspectionFactory(enterprise=ent, initiating_agency=agency_a, date=date(2025, 12, 1))
    InspectionFactory(enterprise=ent, initiating_agency=agency_a, date=date(2025, 12, 10))
    with time_machine.travel(datetime(2025, 12, 15, 10, 0, tzinfo=SH), tick=False):
        frequency_audit_run(month="2025-12")
    with time_machine.travel(datetime(2025, 12, 31, 23, 59, 30, tzinfo=SH), tick=False):
        assert blocks_applying_to(enterprise=ent, agencies=[agency_a]).count() == 1
    with time_machine.travel(datetime(2026, 1, 1, 0, 0, 30, tzinfo=SH), tick=False):
        # 16:00 UTC on 31 December: only the Shanghai calendar says the year has turned.
        assert blocks_applying_to(enterprise=ent, agencies=[agency_a]).count() == 0
    InspectionFactory(enterprise=ent, initiating_agency=agency_a, mode="document", date=date(2026, 1, 5))
    with time_machine.travel(datetime(2026, 2, 1, 2, 0, tzinfo=SH), tick=False):
        run = JobRun.objects.get(pk=frequency_audit_run_task(None))
    assert run.period == "2026-01" and run.counts["enterprises_over_cap"] == 0
    assert Block.objects.filter(enterprise=ent).count() == 1


def test_default_month_is_previous_month_in_shanghai_not_utc():
    with time_machine.travel(datetime(2026, 1, 1, 0, 30, tzinfo=SH), tick=False):
        assert previous_month() == "2025-12"
    with time_machine.travel(datetime(2025, 12, 31, 23, 30, tzinfo=SH), tick=False):
        assert previous_month() == "2025-11"


@pytest.mark.parametrize("n, warned, blocked", [(3, False, False), (4, True, False), (5, True, True)])
def test_triggered_monthly_thresholds_any_agency(n, warned, blocked):
    """3 in a month is fine, 4 warns (> 3), 5 blocks (> 4). One per agency, one per week, so no
    daily, weekly or same-agency rule fires."""
    from subjects.tests.factories import AgencyFactory

    ent = EnterpriseFactory()
    for i in range(n):
        triggered(ent, AgencyFactory(), date(2025, 3, 3 + 7 * i if i < 4 else 30))
    scheduled("2025-03")
    kinds = set(Alert.objects.filter(kind__startswith="audit.").values_list("kind", flat=True))
    assert kinds == ({"audit.triggered_monthly"} if warned else set())
    assert active_blocks(ent, agency__isnull=True, rule="triggered_frequency").exists() is blocked
    if blocked:
        assert active_blocks(ent).get().ends_on == date(2025, 4, 30)


@pytest.mark.parametrize("n, blocked", [(2, False), (3, True)])
def test_triggered_same_agency_block_edge(agency_a, n, blocked):
    ent = EnterpriseFactory()
    for i in range(n):
        triggered(ent, agency_a, date(2025, 3, 3 + 7 * i))
    scheduled("2025-03")
    assert active_blocks(ent, agency=agency_a, rule="triggered_frequency").exists() is blocked
    assert not active_blocks(ent, agency__isnull=True).exists()
    if blocked:
        assert blocks_applying_to(enterprise=ent, agencies=[agency_a], on_date=date(2025, 4, 30)).count() == 1
        assert blocks_applying_to(enterprise=ent, agencies=[agency_a], on_date=date(2025, 5, 1)).count() == 0


@pytest.mark.parametrize("same_day, warned", [(1, False), (2, True)])
def test_triggered_daily_warning_edge(agency_a, agency_b, same_day, warned):
    ent = EnterpriseFactory()
    agencies = [agency_a, agency_b]
    for i in range(same_day):
        triggered(ent, agencies[i], date(2025, 3, 12))
    frequency_audit_run(month="2025-03")
    assert Alert.objects.filter(kind="audit.triggered_daily").exists() is warned


@pytest.mark.parametrize("in_week, warned", [(2, False), (3, True)])
def test_triggered_weekly_warning_edge_counts_a_week_straddling_months_once(in_week, warned):
    """The ISO week Mon 31 March – Sun 6 April 2025 has its Thursday in April: the April audit judges
    it in full (including 31 March), the March audit does not."""
    from subjects.tests.factories import AgencyFactory

    ent = EnterpriseFactory()
    days = [date(2025, 3, 31), date(2025, 4, 2), date(2025, 4, 4)][:in_week]
    for d in days:
        triggered(ent, AgencyFactory(), d)
    frequency_audit_run(month="2025-03")
    assert not Alert.objects.filter(kind="audit.triggered_weekly").exists()
    frequency_audit_run(month="2025-04")
    assert Alert.objects.filter(kind="audit.triggered_weekly").exists() is warned


def _history(agency_a, agency_b):
    ent = EnterpriseFactory()
    for d in (3, 4, 5):
        triggered(ent, agency_a, date(2025, 3, d))
    triggered(ent, agency_b, date(2025, 3, 5))
    triggered(ent, agency_b, date(2025, 3, 20))
    capped = EnterpriseFactory(pool="whitelist")  # cap 1, two visits: above it
    InspectionFactory(enterprise=capped, initiating_agency=agency_b, date=date(2025, 3, 9))
    InspectionFactory(enterprise=capped, initiating_agency=agency_b, date=date(2025, 3, 10))
    return ent, capped


def test_running_twice_gives_the_same_result(agency_a, agency_b):
    _history(agency_a, agency_b)
    first = frequency_audit_run(month="2025-03")
    snap = state()
    second = frequency_audit_run(month="2025-03")
    assert state() == snap and JobRun.objects.count() == 1
    assert second.pk == first.pk and second.attempts == 2
    assert {k: first.counts[k] for k in ("alerts", "blocks")} == {k: second.counts[k] for k in ("alerts", "blocks")}
    assert second.counts["blocks"] == 3  # enterprise-wide (5 > 4), A (3 > 2), whitelist cap


def test_run_killed_halfway_then_rerun_reaches_the_same_final_state(agency_a, agency_b, monkeypatch):
    """GIVEN a history with warnings and blocks
    WHEN the audit dies after writing its alerts, while writing the blocks
    THEN the run is failed and reported, no block is half written (a block, its audit entry and its
         alert go together); a rerun succeeds and ends exactly where an uninterrupted run ends
         (checked against a fresh run afterwards)."""
    _history(agency_a, agency_b)
    real = audit_service.blocks_ensure_many

    def dying(**kw):
        raise RuntimeError("worker killed")

    monkeypatch.setattr(audit_service, "blocks_ensure_many", dying)
    with pytest.raises(RuntimeError):
        frequency_audit_run(month="2025-03")
    run = JobRun.objects.get()
    assert run.status == JobRun.Status.FAILED and "系统内部错误" in run.error
    assert "RuntimeError" not in run.error and "worker killed" not in run.error  # people read Chinese
    assert Alert.objects.filter(kind="job.failed").count() == 1
    assert Alert.objects.filter(kind__startswith="audit.").exists() and not Block.objects.exists()  # half done
    monkeypatch.setattr(audit_service, "blocks_ensure_many", real)
    rerun = frequency_audit_run(month="2025-03")
    assert rerun.status == JobRun.Status.SUCCEEDED and rerun.attempts == 2
    after = state()
    frequency_audit_run(month="2025-03")
    assert state() == after
    assert len([b for b in after[1] if b[3] == "active"]) == 3


def test_second_delivery_while_running_is_a_no_op(agency_a, agency_b):
    _history(agency_a, agency_b)
    JobRun.objects.create(kind="frequency_audit", period="2025-03", status="running")
    run = frequency_audit_run(month="2025-03")
    assert run.status == "running" and not Block.objects.exists()


def test_overridden_block_stays_overridden_on_rerun(agency_a, agency_b, rita):
    ent, _capped = _history(agency_a, agency_b)
    frequency_audit_run(month="2025-03")
    block = active_blocks(ent, agency__isnull=True).get()
    block_override(block=block, by=rita, reason="经核实系同一事件多次转办")
    frequency_audit_run(month="2025-03")
    assert not active_blocks(ent, agency__isnull=True).exists()
    assert blocks_applying_to(enterprise=ent, agencies=[agency_b], on_date=date(2025, 4, 1)).count() == 0


def test_rerun_withdraws_findings_that_no_longer_hold(agency_a, agency_b):
    ent, capped = _history(agency_a, agency_b)
    frequency_audit_run(month="2025-03")
    Inspection.objects.filter(enterprise=capped).update(status=Inspection.Status.CANCELLED)
    Inspection.objects.filter(enterprise=ent, date=date(2025, 3, 20)).update(status=Inspection.Status.CANCELLED)
    run = frequency_audit_run(month="2025-03")
    assert run.counts["withdrawn_blocks"] == 2
    assert not active_blocks(capped).exists() and not active_blocks(ent, agency__isnull=True).exists()
    assert active_blocks(ent, agency=agency_a).exists()
    # 4 remain: still above 3 a month, and the open warning now tells the current figure.
    assert "共4次" in Alert.objects.get(kind="audit.triggered_monthly", agency__isnull=True).title


def test_monthly_summary_counts_and_confirmation(agency_a, agency_b, anna, bert):
    """GIVEN A's three and B's two triggered visits of March
    WHEN the audit runs THEN each agency has its summary with counts by source, warnings and blocks;
    A's admin confirms A's (not B's); a rerun with changed figures asks for confirmation again."""
    ent, _ = _history(agency_a, agency_b)
    frequency_audit_run(month="2025-03")
    sa = MonthlyFilingSummary.objects.get(agency=agency_a, month="2025-03")
    sb = MonthlyFilingSummary.objects.get(agency=agency_b, month="2025-03")
    assert sa.counts_by_source == {"complaint": 3} and sa.total == 3
    assert sa.blocks == 2  # its own (3 > 2) and the enterprise-wide one it contributed to
    assert sa.warnings >= 1 and sb.total == 2 and sb.blocks == 1  # the enterprise-wide one only
    filing_summary_confirm(summary=sa, by=anna)
    from jiujiang_inspect.exceptions import PermissionDeniedError

    with pytest.raises(PermissionDeniedError):
        filing_summary_confirm(summary=sb, by=anna)
    frequency_audit_run(month="2025-03")
    sa.refresh_from_db()
    assert sa.confirmed_by == anna  # same figures: confirmation stands
    triggered(ent, agency_a, date(2025, 3, 25), trigger_source="referral")
    frequency_audit_run(month="2025-03")
    sa.refresh_from_db()
    assert sa.confirmed_at is None and sa.counts_by_source == {"complaint": 3, "referral": 1}


def test_audit_query_count_does_not_grow_with_inspections(agency_a, agency_b):
    """Aggregation happens in the database: 10× the inspections, the same number of queries."""
    def run_counting(month):
        with CaptureQueriesContext(connection) as ctx:
            frequency_audit_run(month=month)
        return len(ctx)

    for i in range(3):
        InspectionFactory(initiating_agency=agency_a, date=date(2025, 3, 3 + i))
    small = run_counting("2025-03")
    for i in range(30):
        InspectionFactory(initiating_agency=agency_b, date=date(2025, 4, 1 + i % 28))
    assert run_counting("2025-04") == small


def test_management_command_runs_the_month(agency_a, capsys):
    from django.core.management import call_command

    ent = EnterpriseFactory(pool="whitelist")
    InspectionFactory(enterprise=ent, initiating_agency=agency_a, date=date(2025, 6, 2))
    InspectionFactory(enterprise=ent, initiating_agency=agency_a, date=date(2025, 6, 3))
    call_command("frequency_audit", "--month", "2025-06")
    assert "2025-06" in capsys.readouterr().out
    assert active_blocks(ent).exists()
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="YYYY-MM"):
        call_command("frequency_audit", "--month", "2025-13")


def _breaches(agency_a, agency_b, k):
    """k histories like `_history`: each an enterprise-wide and a same-agency triggered block, a cap block
    and their warnings."""
    for _ in range(k):
        _history(agency_a, agency_b)


def _queries(month):
    with CaptureQueriesContext(connection) as ctx:
        run = frequency_audit_run(month=month)
    return len(ctx), run


@pytest.mark.parametrize("rerun", [False, True], ids=["first run", "re-run"])
def test_audit_query_count_is_constant_in_the_number_of_findings(agency_a, agency_b, rerun):
    """Findings are written set-based (issue 13): 2 or 8 breaching histories, the same number of
    queries, on a first run and on a re-run (which writes nothing new)."""
    from jiujiang_inspect.models import AuditEntry

    _breaches(agency_a, agency_b, 2)
    if rerun:
        frequency_audit_run(month="2025-03")
    small, run = _queries("2025-03")
    assert run.counts["blocks"] == 6
    for model in (Block, Alert, JobRun, MonthlyFilingSummary):  # the same start: per agency, not per finding
        model.objects.all().delete()
    _breaches(agency_a, agency_b, 6)
    if rerun:
        frequency_audit_run(month="2025-03")
    created_before = AuditEntry.objects.filter(action="block.created").count()
    large, run = _queries("2025-03")
    assert run.counts["blocks"] == 24 and large == small
    # Each new block has its audit entry and its alert (a re-run creates none).
    assert AuditEntry.objects.filter(action="block.created").count() - created_before == (0 if rerun else 24)
    assert Alert.objects.filter(kind__startswith="block.").count() == 24
    assert Block.objects.filter(status=Block.Status.ACTIVE).count() == 24


def test_audit_pinned_query_count(agency_a, agency_b):
    """The whole run: claim, counting (one GROUP BY per rule and grain), the set-based writes, the
    summaries, the totals. Pinned: a change that adds a query changes this number on purpose."""
    _breaches(agency_a, agency_b, 3)
    first, _run = _queries("2025-03")
    again, _run = _queries("2025-03")
    assert (first, again) == (AUDIT_QUERIES_FIRST, AUDIT_QUERIES_RERUN)


# Inside the test's transaction: + savepoints (the claim, the block writes). 189 and 62 before issue 13.
AUDIT_QUERIES_FIRST = 41  # + the one outbox INSERT of the new blocks' `block.created` events (issue 14)
AUDIT_QUERIES_RERUN = 38

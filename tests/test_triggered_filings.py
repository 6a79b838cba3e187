"""Decision d (docs/domain.md "触发式检查备案"): a filing records a triggered inspection that took place.
Filed when its 检查码 is issued or its late code registered, or when an off-site check's result is
recorded; withdrawn (visible, not deleted) when the code is revoked before its window; never for a
cancelled or refused draft. Monthly summaries, statistics and the report count only filed ones."""
import sys
from datetime import date, timedelta

import pytest
from django.apps import apps
from django.db import connection
from django.db.migrations.loader import MigrationLoader

from checkcode.services import checkcode_issue, checkcode_issue_late, checkcode_revoke, result_record
from jiujiang_inspect.exceptions import RuleViolations
from plans.models import GateRefusal, Inspection, TriggeredFiling
from plans.services.inspections import inspection_approve, inspection_cancel, inspection_create
from plans.services.triggered_filings import monthly_summary_compute
from plans.tests.factories import EnterpriseFactory, MatterFactory, make_inspection, team
from reports import figures
from supervision.selectors.stats import StatsFilter, overview

pytestmark = pytest.mark.django_db

TRIGGER = {"source": "complaint", "reference": "12345-2026-0001", "reason": "噪音投诉"}


def _triggered_draft(user, agency, *, day, inspectors=None, mode="onsite"):
    return inspection_create(
        by=user, enterprise=EnterpriseFactory(), kind="triggered", mode=mode, date=day, trigger=TRIGGER,
        participations=[{"agency": agency, "inspectors": team(agency) if inspectors is None else inspectors,
                         "matters": [MatterFactory(agency=agency)]}],
        advance_notice={"notified_at": None, "method": "", "content": ""}, notice_exempt_reason="投诉核查，依法不予事先告知",
        onsite_justification="须到现场核实噪音来源" if mode == "onsite" else "")


def _counted(month):
    return sum(r["total"] for r in monthly_summary_compute(month=month))


def test_three_triggered_drafts_with_one_refusal_and_one_cancellation_file_nothing(alice, anna, agency_a):
    day = date.today() + timedelta(days=3)
    drafts = [_triggered_draft(alice, agency_a, day=day) for _ in range(2)]
    lone = _triggered_draft(alice, agency_a, day=day, inspectors=team(agency_a, n=1))
    with pytest.raises(RuleViolations):
        inspection_approve(inspection=lone, by=anna)  # fewer than two certified inspectors
    assert GateRefusal.objects.filter(inspection=lone).exists()
    inspection_cancel(inspection=drafts[0], by=alice, reason="投诉人撤回投诉")
    inspection_approve(inspection=drafts[1], by=anna)
    assert not TriggeredFiling.objects.exists()
    assert _counted(f"{day:%Y-%m}") == 0


def test_issuing_the_code_files_the_triggered_inspection_for_its_month(alice, anna, agency_a):
    day = date.today() + timedelta(days=3)
    insp = _triggered_draft(alice, agency_a, day=day)
    inspection_approve(inspection=insp, by=anna)
    assert not TriggeredFiling.objects.exists()
    checkcode_issue(inspection=insp, issued_by=alice)
    filing = TriggeredFiling.objects.get(inspection=insp)
    assert (filing.status, filing.month, filing.source, filing.reference, filing.agency) == (
        "filed", f"{day:%Y-%m}", "complaint", "12345-2026-0001", agency_a)
    assert _counted(f"{day:%Y-%m}") == 1


def test_registering_a_late_code_files_the_emergency_triggered_inspection(alice, agency_a):
    insp = make_inspection(agency=agency_a, kind="triggered", status="approved", day=date.today() - timedelta(days=2))
    assert not TriggeredFiling.objects.exists()
    checkcode_issue_late(inspection=insp, issued_by=alice, reason="危化品泄漏紧急处置")
    assert TriggeredFiling.objects.get(inspection=insp).status == "filed"


def test_offsite_triggered_check_is_filed_when_its_result_is_recorded(alice, agency_a):
    insp = make_inspection(agency=agency_a, kind="triggered", mode="document", status="approved")
    assert not TriggeredFiling.objects.exists()
    result_record(inspection=insp, by=alice, outcome="no_issue", findings="书面材料齐全")
    assert TriggeredFiling.objects.get(inspection=insp).status == "filed"


def test_revoking_the_code_before_its_window_withdraws_the_filing_visibly_and_uncounts_it(
        api, alice, platform_secret, agency_a):
    day = date.today() + timedelta(days=3)
    insp = make_inspection(agency=agency_a, kind="triggered", status="approved", day=day)
    code = checkcode_issue(inspection=insp, issued_by=alice)
    checkcode_revoke(code=code, by=alice, reason="投诉人撤回投诉，检查取消")
    filing = TriggeredFiling.objects.get(inspection=insp)
    assert filing.status == "withdrawn" and filing.withdrawn_reason == "投诉人撤回投诉，检查取消"
    row = api(secret=platform_secret).get(f"/api/v1/triggered-filings/?month={day:%Y-%m}").json()["results"]
    assert [(r["id"], r["status"], r["withdrawn_reason"]) for r in row] == [
        (filing.pk, "withdrawn", "投诉人撤回投诉，检查取消")]
    assert api(secret=platform_secret).get(
        f"/api/v1/triggered-filings/?month={day:%Y-%m}&status=filed").json()["results"] == []
    assert _counted(f"{day:%Y-%m}") == 0
    assert overview(f=StatsFilter(year=day.year, month=day.month))["triggered_filings"] == 0
    assert figures.key_figures(day - timedelta(days=40), day + timedelta(days=40))["triggered_filings"] == 0
    assert [r["triggered_filings"] for r in figures.per_agency(day - timedelta(days=40), day + timedelta(days=40))
            if r["agency"] == "SCJG"] in ([], [0])
    checkcode_issue(inspection=insp, issued_by=alice)  # rescheduled and coded again: filed again
    assert TriggeredFiling.objects.get(inspection=insp).status == "filed"
    assert _counted(f"{day:%Y-%m}") == 1


def test_migration_removes_filings_of_triggered_inspections_that_never_took_place(alice, agency_a):
    def filed(status, **kw):
        insp = make_inspection(agency=agency_a, kind="triggered", status=status, **kw)
        TriggeredFiling.objects.create(inspection=insp, agency=agency_a, enterprise=insp.enterprise,
                                       source="complaint", month=f"{insp.date:%Y-%m}")
        return insp

    gone = [filed(s) for s in ("draft", "approved", "cancelled", "merged")]
    kept = [filed(s) for s in ("code_issued", "result_recorded", "closed")]
    loader = MigrationLoader(connection)
    [key] = [k for k in loader.disk_migrations if k[0] == "plans" and k[1].endswith("_triggered_filing_status")]
    migration = sys.modules[type(loader.disk_migrations[key]).__module__]
    migration.remove_filings_of_inspections_that_never_took_place(apps, None)
    remaining = set(TriggeredFiling.objects.values_list("inspection_id", flat=True))
    assert remaining == {i.pk for i in kept} and not remaining & {i.pk for i in gone}
    assert Inspection.objects.count() == 7  # only filings go; the inspections stay

"""The summary report: figures computed from inspections, codes, results and evaluations; kept as a
snapshot; regenerated as a new version."""
from datetime import date, datetime, time, timedelta

import pytest
from django.utils import timezone

from checkcode.models import Evaluation
from guidance.models import ResultRecognition
from guidance.tests.factories import (
    AgencyFactory,
    EnterpriseFactory,
    MatterFactory,
    TypicalCaseFactory,
    code_for,
    evaluation_for,
    filing_for,
    inspection_with,
    result_for,
)
from jiujiang_inspect.exceptions import PermissionDeniedError, ValidationFailed
from jiujiang_inspect.models import AuditEntry, BackgroundJob
from reports import figures, services
from reports.models import Report
from supervision.models import CaseMeasure, SupervisionCase

pytestmark = pytest.mark.django_db

Q1 = (date(2025, 1, 1), date(2025, 3, 31))


def at(day, hour=10):
    return datetime.combine(day, time(hour), tzinfo=timezone.get_current_timezone())


@pytest.fixture
def pilot(alice, bob, agency_a, agency_b, rita):
    """Q1 2025: a joint inspection of 3 agencies (rectification), a single on-site (no issue), a single
    remote check, a cancelled draft; 2 codes (one shown, one late); 1 complaint filing; 6 evaluations
    (rated 4 ×5 and 1 ×1); one recognition; one supervision case with an interview. Q4 2024: one single
    inspection."""
    c = AgencyFactory(code="STHJ", name="生态环境分局")
    e1, e2 = EnterpriseFactory(), EnterpriseFactory()
    ma, mb, mc = MatterFactory(agency=agency_a), MatterFactory(agency=agency_b), MatterFactory(agency=c)
    joint = inspection_with(enterprise=e1, parts=[(agency_a, [ma]), (agency_b, [mb]), (c, [mc])],
                            date_=date(2025, 2, 10), status="result_recorded")
    result_for(joint, by=alice, outcome="rectification", recorded_at=at(date(2025, 2, 10)))
    single = inspection_with(enterprise=e2, parts=[(agency_a, [ma])], date_=date(2025, 3, 1), status="code_issued",
                             kind="triggered")
    result_for(single, by=alice, recorded_at=at(date(2025, 3, 1)))
    inspection_with(enterprise=e2, parts=[(agency_b, [mb])], date_=date(2025, 3, 5), status="approved", mode="remote")
    inspection_with(enterprise=e2, parts=[(agency_b, [mb])], date_=date(2025, 3, 6), status="cancelled")
    inspection_with(enterprise=e2, parts=[(agency_b, [mb])], date_=date(2024, 12, 1), status="closed")
    code1 = code_for(joint, by=alice, issued_at=at(date(2025, 2, 9)), shown=True)
    code2 = code_for(single, by=alice, issued_at=at(date(2025, 3, 2)), late=True)
    filing_for(single, source="complaint")
    for _ in range(5):
        evaluation_for(code_for(joint, by=alice, issued_at=at(date(2024, 5, 1)), status="closed"), rating=4)
    evaluation_for(code2, rating=1, code_shown=False)
    Evaluation.objects.update(created_at=at(date(2025, 3, 10)))
    draft = inspection_with(enterprise=e1, parts=[(agency_a, [ma])], date_=date(2025, 3, 20), status="cancelled")
    ResultRecognition.objects.create(inspection=draft, result=joint.result, agency=agency_a, enterprise=e1,
                                     reason="互认", recognised_by=alice, created_at=at(date(2025, 3, 20)))
    case = SupervisionCase.objects.create(source="evaluation", title="未亮码检查", problem="企业反映未亮码", agency=agency_a)
    SupervisionCase.objects.filter(pk=case.pk).update(created_at=at(date(2025, 3, 12)))
    CaseMeasure.objects.create(case=case, kind="interview", date=date(2025, 3, 15))
    return {"code1": code1}


def test_key_figures_of_the_pilot_quarter(pilot):
    k = figures.key_figures(*Q1)
    assert (k["inspections"], k["onsite"], k["offsite"]) == (3, 2, 1)
    assert (k["joint"], k["single"], k["avoided_by_joining"]) == (1, 2, 2)
    assert (k["recognitions"], k["avoided_total"]) == (1, 3)
    assert (k["codes_issued"], k["codes_shown"], k["codes_late"]) == (2, 1, 1)
    assert k["triggered_filings"] == 1 and k["triggered_by_source"] == {"complaint": 1}
    assert (k["results"], k["results_with_problems"], k["problem_rate"]) == (2, 1, 50.0)
    assert k["evaluations"] == 6 and k["avg_rating"] == 3.5 and k["code_shown_rate"] == 83.3


def test_comparison_with_the_previous_period(pilot):
    prev = figures.previous_period(*Q1)
    assert prev == (date(2024, 10, 3), date(2024, 12, 31))
    cmp = figures.comparison(figures.key_figures(*Q1), figures.key_figures(*prev))
    assert cmp["inspections"] == {"previous": 1, "change": 2, "change_pct": 200.0}
    assert cmp["recognitions"]["change_pct"] is None  # nothing to compare with


def test_per_agency_table_hides_ratings_resting_on_fewer_than_five_evaluations(pilot):
    rows = {r["agency"]: r for r in figures.per_agency(*Q1)}
    assert rows["SCJG"]["inspections"] == 2 and rows["SCJG"]["joint"] == 1 and rows["SCJG"]["recognitions"] == 1
    assert rows["SCJG"]["avg_rating"] == 3.5 and rows["SCJG"]["evaluations"] == 6
    assert rows["YJGL"]["avg_rating"] is not None and rows["YJGL"]["inspections"] == 2
    assert rows["STHJ"]["problems"] == 1


def test_report_is_generated_in_the_background_and_kept_as_a_snapshot(pilot, rita, django_capture_on_commit_callbacks):
    """GIVEN the pilot quarter
    WHEN a reviewer generates the report, then more inspections arrive, then regenerates
    THEN version 1 keeps its figures, version 2 sees the new data, both are audited."""
    chosen = TypicalCaseFactory(title="联合检查减少企业打扰")
    with django_capture_on_commit_callbacks(execute=True):
        v1 = services.report_request(by=rita, period_start=Q1[0], period_end=Q1[1], typical_cases=[chosen])
    v1.refresh_from_db()
    assert v1.status == "done" and v1.job.status == BackgroundJob.Status.SUCCEEDED and v1.job.percent == 100
    assert v1.figures["key"]["inspections"] == 3 and v1.figures["typical_cases"][0]["title"] == "联合检查减少企业打扰"
    inspection_with(enterprise=EnterpriseFactory(), parts=[(AgencyFactory(), [])], date_=date(2025, 3, 30),
                    status="closed")
    chosen.title = "改了标题"
    chosen.save()
    v1.refresh_from_db()
    assert v1.figures["key"]["inspections"] == 3 and v1.figures["typical_cases"][0]["title"] == "联合检查减少企业打扰"
    with django_capture_on_commit_callbacks(execute=True):
        v2 = services.report_regenerate(report=v1, by=rita)
    v2.refresh_from_db()
    assert v2.version == 2 and v2.figures["key"]["inspections"] == 4
    assert Report.objects.count() == 2
    assert AuditEntry.objects.filter(action="report.generated").count() == 2


def test_only_reviewers_generate_and_periods_are_checked(anna, rita):
    with pytest.raises(PermissionDeniedError):
        services.report_request(by=anna, period_start=Q1[0], period_end=Q1[1])
    with pytest.raises(ValidationFailed):
        services.report_request(by=rita, period_start=Q1[1], period_end=Q1[0])
    draft_case = TypicalCaseFactory(status="draft")
    with pytest.raises(ValidationFailed):
        services.report_request(by=rita, period_start=Q1[0], period_end=Q1[1], typical_cases=[draft_case])


def test_a_redelivered_job_does_not_recompute_a_done_report(rita, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        report = services.report_request(by=rita, period_start=Q1[0], period_end=Q1[1])
    report.refresh_from_db()
    stamp = report.generated_at
    services.report_generate_job(job=report.job)
    report.refresh_from_db()
    assert report.generated_at == stamp and timedelta(0) <= timezone.now() - stamp


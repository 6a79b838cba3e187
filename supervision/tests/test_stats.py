"""分析研判 figures from one selector, with a query count that does not grow with the data."""
from datetime import UTC, date, datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from subjects.tests.factories import AgencyFactory
from supervision.selectors.stats import StatsFilter, overview
from supervision.services.rollups import rollup_refresh

from .factories import (
    AlertFactory,
    BlockFactory,
    CaseFactory,
    CheckCodeFactory,
    EnterpriseFactory,
    EvaluationFactory,
    InspectionFactory,
    PlanFactory,
    RecognitionFactory,
    ResultFactory,
    SurveyFactory,
    SurveyResponseFactory,
)

pytestmark = pytest.mark.django_db


def build(agency_a, agency_b, scale=1):
    for i in range(scale):
        ent = EnterpriseFactory(town="erba" if i % 2 else "wanli")
        joint = InspectionFactory(enterprise=ent, initiating_agency=agency_a, agencies=[agency_a, agency_b],
                                  date=date(2025, 3, 5), outcome="rectification")
        doc = InspectionFactory(enterprise=ent, initiating_agency=agency_a, mode="document", date=date(2025, 4, 1),
                                outcome="no_issue")
        # B recognises A's result instead of visiting (结果互认): once this year, once last year.
        result = ResultFactory(inspection=doc, outcome="no_issue")
        RecognitionFactory(result=result, agency=agency_b, created_at=datetime(2025, 4, 10, 2, tzinfo=UTC))
        RecognitionFactory(result=result, agency=agency_b, created_at=datetime(2024, 6, 1, 2, tzinfo=UTC))
        InspectionFactory(enterprise=ent, initiating_agency=agency_b, kind="triggered", date=date(2025, 4, 2))
        InspectionFactory(enterprise=ent, initiating_agency=agency_b, date=date(2024, 4, 2))
        code = CheckCodeFactory(inspection=joint, first_shown_at=joint.created_at)
        EvaluationFactory(check_code=code, rating=2)
        CheckCodeFactory(inspection=InspectionFactory(enterprise=ent, initiating_agency=agency_a,
                                                      date=date(2025, 5, 1)), is_late=True)
    PlanFactory(year=2025, lead_agency=agency_a)
    PlanFactory(year=2025, lead_agency=agency_b, status="draft")
    BlockFactory(rule="yearly_cap", starts_on=date(2025, 3, 1), ends_on=date(2025, 12, 31))
    AlertFactory(agency=agency_a)
    CaseFactory(agency=agency_b, deadline=date(2025, 1, 1))
    SurveyResponseFactory(survey=SurveyFactory(), agency=agency_a, score=4)


def test_overview_figures_on_a_small_history(agency_a, agency_b):
    build(agency_a, agency_b)
    o = overview(f=StatsFilter(year=2025), today=date(2025, 6, 1))
    i = o["inspections"]
    assert (i["total"], i["onsite"], i["offsite"], i["joint"], i["single"]) == (4, 3, 1, 1, 3)
    assert i["avoided"] == 1  # the joint visit of 2 agencies saved one
    assert (i["avoided_by_joining"], i["avoided_by_recognition"], i["avoided_total"]) == (1, 1, 2)
    assert (i["prev"]["avoided_by_joining"], i["prev"]["avoided_by_recognition"], i["prev"]["avoided_total"]) == (0, 1, 1)
    assert i["problem_rate"] == 50.0 and i["prev"]["total"] == 1 and i["total_yoy"] == 300.0
    assert o["codes"] == {**o["codes"], "issued": 2, "shown": 1, "late": 1, "shown_rate": 50.0}
    assert o["plans"]["filed"] == 1 and o["plans"]["published"] == 1 and o["plans"]["total"] == 2
    assert {s["source"]: s["count"] for s in o["triggered_by_source"]}["complaint"] == 1
    assert o["caps"]["hit"] == 1 and o["caps"]["blocks_open"] == 1
    assert o["satisfaction"]["evaluation_avg"] == 2 and o["satisfaction"]["survey_avg"] == 4.0
    assert o["per_month"][2]["total"] == 1 and o["per_month"][3]["total"] == 2 and o["per_month"][3]["yoy"] == 100.0
    agencies = {r["agency__code"]: r for r in o["per_agency"]}
    assert agencies["SCJG"]["total"] == 3 and agencies["SCJG"]["joint"] == 1 and agencies["SCJG"]["rating"] == 2
    assert agencies["YJGL"]["total"] == 2 and agencies["YJGL"]["triggered"] == 1
    assert agencies["YJGL"]["recognitions"] == 1 and agencies["SCJG"]["recognitions"] == 0
    assert o["alerts"]["open"] == 1 and o["cases"]["overdue"] == 1


def test_filters_narrow_every_figure(agency_a, agency_b):
    build(agency_a, agency_b, scale=2)
    assert overview(f=StatsFilter(year=2025, town="erba"))["inspections"]["total"] == 4
    assert overview(f=StatsFilter(year=2025, month=4))["inspections"]["total"] == 4
    by_b = overview(f=StatsFilter(year=2025, agency_id=agency_b.pk))
    assert by_b["inspections"]["total"] == 4 and by_b["alerts"]["open"] == 0 and by_b["cases"]["open"] == 1
    assert [r["agency__code"] for r in by_b["per_agency"]] == ["YJGL"]
    assert by_b["inspections"]["avoided_by_recognition"] == 2
    assert overview(f=StatsFilter(year=2025, agency_id=agency_a.pk))["inspections"]["avoided_by_recognition"] == 0
    assert overview(f=StatsFilter(year=2025, town="erba"))["inspections"]["avoided_by_recognition"] == 1
    assert overview(f=StatsFilter(year=2025, month=5))["inspections"]["avoided_by_recognition"] == 0


def test_recognition_counts_in_the_shanghai_year_it_was_made(agency_a, agency_b):
    """GIVEN a recognition made at 00:30 on 1 January 2026 in Asia/Shanghai (still 2025 in UTC)
    THEN it counts for 2026, not for 2025."""
    doc = InspectionFactory(initiating_agency=agency_a, date=date(2025, 12, 20))
    RecognitionFactory(result=ResultFactory(inspection=doc), agency=agency_b,
                       created_at=datetime(2025, 12, 31, 16, 30, tzinfo=UTC))
    assert overview(f=StatsFilter(year=2025))["inspections"]["avoided_by_recognition"] == 0
    o = overview(f=StatsFilter(year=2026))
    assert o["inspections"]["avoided_by_recognition"] == 1 and o["inspections"]["prev"]["avoided_by_recognition"] == 0


def test_every_active_agency_has_a_row_even_without_inspections(agency_a, agency_b):
    build(agency_a, agency_b)
    idle = AgencyFactory(code="ZJJ", name="鸠江区住房和城乡建设局")
    AgencyFactory(code="OLD", name="已撤销单位", is_active=False)
    rows = {r["agency__code"]: r for r in overview(f=StatsFilter(year=2025))["per_agency"]}
    assert rows[idle.code]["total"] == 0 and rows[idle.code]["problem_rate"] is None and "OLD" not in rows


def test_overview_query_count_is_constant(agency_a, agency_b):
    build(agency_a, agency_b, scale=1)
    rollup_refresh()
    with CaptureQueriesContext(connection) as small:
        overview(f=StatsFilter(year=2025))
    build(agency_a, agency_b, scale=8)
    rollup_refresh()  # as the every-minute task does; a read after fresh writes refreshes them first
    with CaptureQueriesContext(connection) as large:
        overview(f=StatsFilter(year=2025))
    # The rollups' freshness check, two rollup reads, 结果互认, plans, filings, blocks, surveys, the
    # agency list, pools, alerts and cases (with their latest rows).
    assert len(small) == len(large) == 14

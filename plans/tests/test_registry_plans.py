import random
from datetime import date

import pytest

from jiujiang_inspect.exceptions import InvalidState, PermissionDeniedError
from jiujiang_inspect.models import AuditEntry
from plans.models import PlanInspectorDraw, PlanTarget, Pool
from plans.selectors.plans import plan_warnings, plans_agencies_not_filed
from plans.services.annual_plans import (
    plan_create,
    plan_file,
    plan_publish,
    plan_return,
    plan_submit,
    plan_targets_add,
    plan_update,
)
from plans.services.draw import allocate_proportional, draw_frame, draw_sample, plan_draw
from plans.tests.factories import AnnualPlanFactory, EnterpriseFactory, InspectionFactory
from subjects.tests.factories import InspectorFactory

pytestmark = pytest.mark.django_db
YEAR = date.today().year


def _plan(anna, agency_b, *targets):
    return plan_create(by=anna, year=YEAR, title="餐饮行业综合查一次", member_agencies=[agency_b],
                       months=[f"{YEAR}-04", f"{YEAR}-05"], enterprises=list(targets))


def test_lifecycle_draft_submit_file_publish_and_change_after_filing_needs_refiling(anna, rita, agency_b):
    """GIVEN a draft plan with one target
    WHEN the lead agency submits, the reviewer files and it is published, then the lead agency edits it
    THEN it is back to draft with version 2, and must be submitted and filed again."""
    plan = _plan(anna, agency_b, EnterpriseFactory())
    plan, warnings = plan_submit(plan=plan, by=anna)
    assert plan.status == "submitted" and warnings == []
    plan = plan_file(plan=plan, by=rita)
    plan = plan_publish(plan=plan, by=anna)
    assert plan.status == "published" and plan.published_at and plan.version == 1
    plan = plan_update(plan=plan, by=anna, title="餐饮行业综合查一次（调整）", reason="增加月份")
    assert plan.status == "draft" and plan.version == 2
    assert AuditEntry.objects.filter(action="plan.reopened", target_id=str(plan.pk)).exists()
    with pytest.raises(InvalidState):
        plan_publish(plan=plan, by=anna)


def test_reviewer_returns_with_reason_and_only_reviewers_file(anna, rita, agency_b):
    plan, _w = plan_submit(plan=_plan(anna, agency_b, EnterpriseFactory()), by=anna)
    with pytest.raises(PermissionDeniedError):
        plan_file(plan=plan, by=anna)
    with pytest.raises(Exception) as exc:
        plan_return(plan=plan, by=rita, reason="")
    assert exc.value.code == "invalid"
    plan = plan_return(plan=plan, by=rita, reason="检查对象中有白名单企业，请调整")
    assert plan.status == "returned" and plan.status_reason.startswith("检查对象")
    plan, _w = plan_submit(plan=plan, by=anna)  # resubmitted after correction
    assert plan.status == "submitted"


def test_only_the_lead_agency_admin_drafts_its_plan(bert, alice, agency_a):
    with pytest.raises(PermissionDeniedError):
        plan_create(by=bert, year=YEAR, title="越权计划", lead_agency=agency_a, months=[f"{YEAR}-04"])
    with pytest.raises(PermissionDeniedError):
        plan_create(by=alice, year=YEAR, title="执法员计划", months=[f"{YEAR}-04"])


def test_months_must_be_in_the_plan_year(anna):
    with pytest.raises(Exception) as exc:
        plan_create(by=anna, year=YEAR, title="月份错误", months=[f"{YEAR + 1}-01"])
    assert "months" in exc.value.detail


def test_warnings_before_filing_name_cap_non_joint_and_whitelist_planned_elsewhere(anna, agency_b):
    """GIVEN a whitelisted enterprise already in another plan this year (cap 1), a 非联合 enterprise, and
    a joint enterprise with both yearly slots used
    WHEN the plan is submitted THEN the response carries one warning per case."""
    white = EnterpriseFactory(pool=Pool.WHITELIST, name="白名单餐饮店")
    non_joint = EnterpriseFactory(pool=Pool.NON_JOINT, joins_joint=False, name="非联合工厂")
    full = EnterpriseFactory(name="额度已满公司")
    InspectionFactory.create_batch(2, enterprise=full)
    AnnualPlanFactory(lead_agency=agency_b, targets=[white])
    plan = _plan(anna, agency_b, white, non_joint, full)
    _plan_, warnings = plan_submit(plan=plan, by=anna)
    codes = {(w["code"], w["uscc"]) for w in warnings}
    assert ("plan_exceeds_cap", white.uscc) in codes  # 2 plans > whitelist cap 1
    assert ("plan_whitelist_planned_elsewhere", white.uscc) in codes
    assert ("plan_target_non_joint", non_joint.uscc) in codes
    assert ("plan_exceeds_cap", full.uscc) in codes
    assert AuditEntry.objects.get(action="plan.submitted").changes["warnings"]


def test_warnings_query_count_does_not_grow_with_targets(anna, agency_b, django_assert_max_num_queries):
    plan = _plan(anna, agency_b, *EnterpriseFactory.create_batch(3))
    with django_assert_max_num_queries(4):
        plan_warnings(plan=plan)
    plan_targets_add(plan=plan, by=anna, enterprises=EnterpriseFactory.create_batch(20))
    with django_assert_max_num_queries(4):
        assert plan_warnings(plan=plan) == []


def _joint_pool(n, **kw):
    return [EnterpriseFactory(credit_class="ABCD"[i % 4], **kw) for i in range(n)]


def test_draw_is_reproducible_from_the_recorded_seed(anna, agency_b, agency_a):
    """GIVEN a joint pool of 30 enterprises and eligible inspectors in both agencies
    WHEN a plan draws 8 with seed "jj-2025" and a second plan draws with the recorded seed
    THEN both pick the same enterprises and the same inspectors; seed and params are on the plan and audited."""
    _joint_pool(30)
    EnterpriseFactory(pool=Pool.NON_JOINT, joins_joint=False)  # never drawn
    InspectorFactory.create_batch(4, agency=agency_a)
    InspectorFactory.create_batch(3, agency=agency_b)
    first = plan_draw(plan=_plan(anna, agency_b), by=anna, seed="jj-2025", count=8)
    second = plan_draw(plan=_plan(anna, agency_b), by=anna, seed=first.seed, count=8)
    picks = [list(PlanTarget.objects.filter(plan=p, drawn=True).order_by("id").values_list("enterprise__uscc", flat=True))
             for p in (first, second)]
    assert len(picks[0]) == 8 and picks[0] == picks[1]
    inspectors = [sorted(PlanInspectorDraw.objects.filter(plan=p).values_list("inspector_id", flat=True))
                  for p in (first, second)]
    assert len(inspectors[0]) == 4 and inspectors[0] == inspectors[1]
    assert first.draw_params["frame_size"] == 30 and first.draw_params["frame_digest"] == second.draw_params["frame_digest"]
    entry = AuditEntry.objects.filter(action="plan.drawn", target_id=str(first.pk)).get()
    assert entry.changes["seed"] == "jj-2025" and entry.changes["params"]["n"] == 8
    months = set(PlanTarget.objects.filter(plan=first).values_list("month", flat=True))
    assert months == {f"{YEAR}-04", f"{YEAR}-05"}
    third = plan_draw(plan=_plan(anna, agency_b), by=anna, seed="another-seed", count=8)
    assert list(PlanTarget.objects.filter(plan=third).order_by("id").values_list("enterprise__uscc", flat=True)) != picks[0]


def test_draw_by_percent_stratified_by_credit_allocates_proportionally(anna, agency_b):
    _joint_pool(40)  # 10 per credit class
    plan = plan_draw(plan=_plan(anna, agency_b), by=anna, seed=1, percent=20, stratify_by_credit=True)
    assert plan.draw_params["n"] == 8 and plan.draw_params["strata"] == {"A": 2, "B": 2, "C": 2, "D": 2}
    drawn = PlanTarget.objects.filter(plan=plan).values_list("enterprise__credit_class", flat=True)
    assert sorted(drawn) == list("AABBCCDD")


def test_redraw_replaces_drawn_targets_but_keeps_hand_picked(anna, agency_b):
    _joint_pool(12)
    chosen = EnterpriseFactory(pool=Pool.KEY)
    plan = _plan(anna, agency_b, chosen)
    plan_draw(plan=plan, by=anna, seed="a", count=5)
    plan_draw(plan=plan, by=anna, seed="b", count=3)
    assert PlanTarget.objects.filter(plan=plan, drawn=True).count() == 3
    assert PlanTarget.objects.filter(plan=plan, enterprise=chosen, drawn=False).exists()


def test_allocation_adds_up_and_respects_stratum_sizes():
    assert allocate_proportional({"A": 5, "B": 3, "C": 2, "D": 0}, 5) == {"A": 3, "B": 1, "C": 1, "D": 0}
    assert sum(allocate_proportional({"A": 1, "B": 1, "C": 1, "D": 97}, 7).values()) == 7
    assert allocate_proportional({"A": 1, "B": 0, "C": 0, "D": 0}, 1) == {"A": 1, "B": 0, "C": 0, "D": 0}


# Chi-square critical value for 9 degrees of freedom at significance 0.001 (statistical tables).
CHI2_CRIT_DF9_P001 = 27.877


def test_draw_sample_is_uniform_over_the_pool_chi_square(anna, agency_b):
    """GIVEN the real draw frame of a 10-enterprise joint pool
    WHEN 3 enterprises are drawn 3,000 times with seeds derived from a fixed master seed
    THEN each enterprise is picked about 900 times: the chi-square statistic stays under the 0.1% critical
    value (9 degrees of freedom), so the sample shows no bias towards any enterprise or position."""
    _joint_pool(10)
    frame = draw_frame(plan=_plan(anna, agency_b))
    master = random.Random(20250331)
    counts = {row[1]: 0 for row in frame}
    runs, k = 3000, 3
    for _i in range(runs):
        for row in draw_sample(frame, rng=random.Random(master.getrandbits(64)), n=k):
            counts[row[1]] += 1
    expected = runs * k / len(frame)
    chi2 = sum((c - expected) ** 2 / expected for c in counts.values())
    assert chi2 < CHI2_CRIT_DF9_P001, (chi2, counts)
    # The stratified path keeps uniformity within a stratum too.
    strata_counts = {row[1]: 0 for row in frame if row[2] == "A"}
    for _i in range(runs):
        for row in draw_sample(frame, rng=random.Random(master.getrandbits(64)), n=5, stratify_by_credit=True):
            if row[2] == "A":
                strata_counts[row[1]] += 1
    assert max(strata_counts.values()) - min(strata_counts.values()) < 0.15 * runs


def test_plans_not_filed_lists_every_agency_with_published_matters_outside_a_filed_plan(anna, rita, agency_b,
                                                                                       agency_a):
    """GIVEN agencies A (lead of a draft plan naming B as member), B and C, each with a published
    matter, D with only a draft matter, and E (published matter, inactive)
    THEN A, B and C are listed (overdue after 31 March), D and E are not; once A's plan is filed,
    A (lead) and B (member) leave the list and only C remains (the daily sweep reads the same list:
    supervision/tests/test_sweeps.py)."""
    from matters.models import InspectionMatter
    from plans.tests.factories import MatterFactory
    from subjects.tests.factories import AgencyFactory

    agency_c, agency_d = AgencyFactory(code="ZCJ"), AgencyFactory(code="ZDJ")
    agency_e = AgencyFactory(code="ZEJ", is_active=False)
    for ag in (agency_a, agency_b, agency_c, agency_e):
        MatterFactory(agency=ag)
    MatterFactory(agency=agency_d, status=InspectionMatter.Status.DRAFT)
    plan_a = _plan(anna, agency_b, EnterpriseFactory())
    rows = plans_agencies_not_filed(year=YEAR, today=date(YEAR, 4, 1))
    assert [(r["agency"].code, r["overdue"]) for r in rows] == [
        (a.code, True) for a in sorted([agency_a, agency_b, agency_c], key=lambda a: a.code)]
    assert next(r for r in rows if r["agency"] == agency_a)["plans"] == [plan_a]
    assert plans_agencies_not_filed(year=YEAR, today=date(YEAR, 3, 31))[0]["overdue"] is False
    plan_a, _w = plan_submit(plan=plan_a, by=anna)
    plan_file(plan=plan_a, by=rita)
    assert [r["agency"] for r in plans_agencies_not_filed(year=YEAR, today=date(YEAR, 4, 1))] == [agency_c]

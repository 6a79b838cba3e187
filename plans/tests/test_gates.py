"""Every gate shows its refusal (docs/domain.md gate list; docs/api.md error codes)."""
from datetime import date, timedelta

import pytest

from jiujiang_inspect.exceptions import RuleViolations
from jiujiang_inspect.models import Alert
from matters.models import InspectionMatter, LegalBasis
from plans.models import Block, CapPolicy, FrequencyPolicy, GateRefusal, Inspection
from plans.services.gates import inspection_gate_report
from plans.services.inspections import inspection_approve
from subjects.models import Certificate
from subjects.tests.factories import InspectorFactory

from .factories import (
    AnnualPlanFactory,
    EnterpriseFactory,
    LegalBasisFactory,
    MatterFactory,
    admin_of,
    make_inspection,
    team,
)

pytestmark = pytest.mark.django_db


def codes_of(insp):
    return inspection_gate_report(inspection=insp).codes


def test_clean_inspection_passes_every_gate(agency_a):
    assert codes_of(make_inspection(agency=agency_a)) == []


def test_unpublished_matter_is_refused(agency_a):
    matter = MatterFactory(agency=agency_a, status=InspectionMatter.Status.FILED)
    assert codes_of(make_inspection(agency=agency_a, matters=[matter])) == ["matter_not_published"]


def test_repealed_legal_basis_is_refused(agency_a):
    matter = MatterFactory(agency=agency_a, legal_bases=[LegalBasisFactory(status=LegalBasis.Status.REPEALED)])
    assert codes_of(make_inspection(agency=agency_a, matters=[matter])) == ["legal_basis_not_in_force"]


def test_each_agency_needs_two_of_its_own_certified_inspectors(agency_a, agency_b):
    """GIVEN a joint inspection where agency B brings one certified inspector and a helper
    THEN too_few_inspectors names agency B (helpers never count, 行政处罚法 第42条)."""
    insp = make_inspection(agency=agency_a, extra_agencies=[agency_b])
    part_b = insp.participations.get(agency=agency_b)
    helper = InspectorFactory(agency=agency_b, is_helper=True, name="雷晓东")
    part_b.inspectors.set([InspectorFactory(agency=agency_b), helper])
    report = inspection_gate_report(inspection=insp)
    assert report.codes == ["too_few_inspectors"]
    assert report.errors[0].detail["agencies"] == [{"agency": "YJGL", "agency_name": agency_b.name, "certified": 1,
                                                    "helpers": ["雷晓东"]}]
    assert "雷晓东是辅助人员，不计入两名持证人员" in report.errors[0].message


def test_expired_certificate_on_the_inspection_day_is_refused(agency_a):
    day = date.today() + timedelta(days=10)
    ok, expiring = team(agency_a, 2)
    Certificate.objects.filter(inspector=expiring).update(valid_until=day - timedelta(days=1))
    third = InspectorFactory(agency=agency_a)
    insp = make_inspection(agency=agency_a, inspectors=[ok, expiring, third], day=day)
    assert codes_of(insp) == ["inspector_certificate_invalid"]


def test_inspector_of_another_agency_is_refused(agency_a, agency_b):
    insp = make_inspection(agency=agency_a, inspectors=[*team(agency_a), InspectorFactory(agency=agency_b)])
    assert codes_of(insp) == ["inspector_not_in_agency"]


def test_non_joint_enterprise_refuses_a_joint_visit(agency_a, agency_b):
    ent = EnterpriseFactory(pool="non_joint")
    assert codes_of(make_inspection(agency=agency_a, enterprise=ent, extra_agencies=[agency_b])) == [
        "enterprise_not_joint"]


def test_enterprise_at_its_yearly_cap_is_refused_and_joint_counts_once(agency_a, agency_b):
    """GIVEN a whitelisted enterprise (cap 1) with one joint inspection holding a slot
    THEN a further on-site inspection is refused; the joint one took one slot, not two."""
    ent = EnterpriseFactory(pool="whitelist")
    CapPolicy.objects.update_or_create(pool="whitelist", defaults={"yearly_onsite_cap": 1})
    day = date.today() + timedelta(days=1)
    make_inspection(agency=agency_a, enterprise=ent, extra_agencies=[agency_b], slot_year=day.year,
                    status=Inspection.Status.CODE_ISSUED, day=day)
    assert "enterprise_over_yearly_cap" in codes_of(make_inspection(agency=agency_a, enterprise=ent, day=day))
    remote = make_inspection(agency=agency_a, enterprise=ent, day=day, mode=Inspection.Mode.DOCUMENT)
    assert codes_of(remote) == []  # off-site checks take no slot


def test_agency_over_its_per_enterprise_cap_is_refused(agency_a):
    ent = EnterpriseFactory(pool="key")  # cap 6: only the per-agency cap (2) bites
    CapPolicy.objects.update_or_create(pool="key", defaults={"yearly_onsite_cap": 6})
    day = date.today() + timedelta(days=1)
    for _ in range(2):
        make_inspection(agency=agency_a, enterprise=ent, slot_year=day.year, status=Inspection.Status.CLOSED, day=day)
    assert codes_of(make_inspection(agency=agency_a, enterprise=ent, day=day)) == ["agency_over_yearly_cap"]


def test_triggered_inspection_above_four_a_month_is_blocked_and_blocks(agency_a, agency_b, justice_bureau):
    """GIVEN four triggered inspections of one enterprise this month by two agencies
    WHEN a fifth is approved THEN it is refused with triggered_frequency_blocked, a Block is opened,
    warnings were raised, and the refusal is recorded although the attempt rolled back."""
    ent = EnterpriseFactory()
    day = date.today() + timedelta(days=2)
    agency_c = justice_bureau
    for ag in (agency_a, agency_b, agency_a, agency_b):
        make_inspection(agency=ag, enterprise=ent, kind="triggered", day=day, status=Inspection.Status.CLOSED)
    # Two per agency already: agency C is not over its own limit, only the all-agency limit.
    insp = make_inspection(agency=agency_c, enterprise=ent, kind="triggered", day=day)
    with pytest.raises(RuleViolations) as err:
        inspection_approve(inspection=insp, by=admin_of(agency_c))
    assert err.value.code == "triggered_frequency_blocked"
    assert Block.objects.filter(enterprise=ent, rule="triggered_frequency", agency=None, status="active").exists()
    assert Alert.objects.filter(kind="triggered_frequency_warning", enterprise_uscc=ent.uscc).exists()
    refusal = GateRefusal.objects.get(inspection=insp)
    assert (refusal.code, refusal.stage) == ("triggered_frequency_blocked", "approve")
    insp.refresh_from_db()
    assert insp.status == "draft"


def test_triggered_same_agency_more_than_twice_a_month_is_blocked(agency_a):
    ent = EnterpriseFactory()
    day = date.today() + timedelta(days=2)
    for _ in range(2):
        make_inspection(agency=agency_a, enterprise=ent, kind="triggered", day=day, status=Inspection.Status.CLOSED)
    report = inspection_gate_report(inspection=make_inspection(agency=agency_a, enterprise=ent, kind="triggered", day=day))
    assert report.codes == ["triggered_frequency_blocked"]
    assert report.blocks[0]["agency"] == agency_a


def test_open_block_refuses_with_enterprise_blocked(agency_a, rita):
    ent = EnterpriseFactory()
    Block.objects.create(enterprise=ent, rule="manual", reason="司法局决定", starts_on=date.today())
    assert codes_of(make_inspection(agency=agency_a, enterprise=ent)) == ["enterprise_blocked"]


def test_low_efficiency_inspector_is_blocked_there(agency_a):
    """GIVEN the same inspector with three consecutive no-issue inspections at an enterprise this year
    WHEN a fourth is approved THEN inspector_low_efficiency_blocked and an inspector Block."""
    ent = EnterpriseFactory(pool="key")
    CapPolicy.objects.update_or_create(pool="key", defaults={"yearly_onsite_cap": 6})
    FrequencyPolicy.objects.filter(pk=FrequencyPolicy.current().pk).update(per_agency_yearly_cap=10)
    people = team(agency_a)
    for n in range(3):
        make_inspection(agency=agency_a, enterprise=ent, inspectors=people, day=date.today() - timedelta(days=30 * n + 1),
                        status=Inspection.Status.CLOSED, outcome="no_issue")
    insp = make_inspection(agency=agency_a, enterprise=ent, inspectors=people)
    with pytest.raises(RuleViolations) as err:
        inspection_approve(inspection=insp, by=admin_of(agency_a))
    assert err.value.code == "inspector_low_efficiency_blocked"
    assert Block.objects.filter(enterprise=ent, rule="low_efficiency", inspector__in=people).count() == 2


def test_onsite_when_everything_can_be_done_offsite_needs_justification(agency_a):
    matter = MatterFactory(agency=agency_a, offsite_capable=True)
    assert codes_of(make_inspection(agency=agency_a, matters=[matter])) == ["onsite_justification_required"]
    assert codes_of(make_inspection(agency=agency_a, matters=[matter], onsite_justification="需核对现场设备")) == []


def test_advance_notice_or_exemption_is_required(agency_a):
    insp = make_inspection(agency=agency_a, notified_at=None, notice_method="")
    assert codes_of(insp) == ["advance_notice_missing"]
    insp.notice_exempt_reason = "上级要求不能事先通知"
    assert codes_of(insp) == []


def test_planned_inspection_needs_a_filed_plan_containing_the_enterprise(agency_a):
    ent = EnterpriseFactory()
    assert codes_of(make_inspection(agency=agency_a, enterprise=ent, kind="planned")) == ["plan_not_filed"]
    draft_plan = AnnualPlanFactory(lead_agency=agency_a, status="draft", targets=[ent])
    assert codes_of(make_inspection(agency=agency_a, enterprise=ent, kind="planned", plan=draft_plan)) == [
        "plan_not_filed"]
    plan = AnnualPlanFactory(lead_agency=agency_a, status="published", targets=[ent],
                             months=[f"{date.today() + timedelta(days=1):%Y-%m}"])
    assert codes_of(make_inspection(agency=agency_a, enterprise=ent, kind="planned", plan=plan)) == []


def test_several_failures_come_in_gate_order_with_all_listed(agency_a):
    matter = MatterFactory(agency=agency_a, status=InspectionMatter.Status.DRAFT, offsite_capable=True)
    insp = make_inspection(agency=agency_a, matters=[matter], inspectors=team(agency_a, 1), notified_at=None,
                           notice_method="")
    with pytest.raises(RuleViolations) as err:
        inspection_approve(inspection=insp, by=admin_of(agency_a))
    assert err.value.code == "matter_not_published"
    assert [e["code"] for e in err.value.detail["errors"]] == [
        "matter_not_published", "too_few_inspectors", "onsite_justification_required", "advance_notice_missing"]
    assert GateRefusal.objects.get(inspection=insp).all_codes == [e["code"] for e in err.value.detail["errors"]]


def test_triggered_inspections_do_not_take_slots_by_default(agency_a):
    ent = EnterpriseFactory(pool="whitelist")
    CapPolicy.objects.update_or_create(pool="whitelist", defaults={"yearly_onsite_cap": 1})
    day = date.today() + timedelta(days=1)
    make_inspection(agency=agency_a, enterprise=ent, slot_year=day.year, status="closed", day=day)
    assert codes_of(make_inspection(agency=agency_a, enterprise=ent, kind="triggered", day=day)) == []
    FrequencyPolicy.objects.filter(pk=1).update(triggered_counts_toward_cap=True)
    assert "enterprise_over_yearly_cap" in codes_of(make_inspection(agency=agency_a, enterprise=ent,
                                                                    kind="triggered", day=day))


def test_training_gate_is_off_by_default_and_refuses_untrained_inspectors_when_switched_on(agency_a):
    """GIVEN an on-site inspection whose inspectors never passed the 检查码 test
    WHEN 司法局 switches on the training rule
    THEN the gate refuses with `inspector_not_trained`, until both inspectors have passed."""
    insp = make_inspection(agency=agency_a)
    assert "inspector_not_trained" not in codes_of(insp)
    FrequencyPolicy.objects.filter(pk=1).update(require_training=True)
    assert codes_of(insp) == ["inspector_not_trained"]
    from django.utils import timezone

    from subjects.services import inspector_mark_checkcode_test_passed

    for part in insp.participations.all():
        for inspector in part.inspectors.all():
            inspector_mark_checkcode_test_passed(inspector=inspector, passed_at=timezone.now(), source="test")
    assert codes_of(insp) == []


# ---- decision e: planned means planned ------------------------------------------------------------

def _planned(agency, ent, plan, **kw):
    return make_inspection(agency=agency, enterprise=ent, kind="planned", plan=plan, **kw)


def test_planned_inspection_by_an_agency_outside_the_plan_is_refused_with_plan_mismatch(agency_a, agency_b):
    """GIVEN a published plan led by A (no members) covering the enterprise and the month
    THEN A's inspection passes; B's, and A's joint one with B, are refused `plan_mismatch` naming B;
    once B is a member, the joint one passes."""
    ent = EnterpriseFactory()
    day = date.today() + timedelta(days=1)
    plan = AnnualPlanFactory(lead_agency=agency_a, status="published", targets=[ent], months=[f"{day:%Y-%m}"])
    assert codes_of(_planned(agency_a, ent, plan)) == []
    outsider = inspection_gate_report(inspection=_planned(agency_b, ent, plan))
    assert outsider.codes == ["plan_mismatch"] and outsider.errors[0].detail["agencies"] == ["YJGL"]
    joint = _planned(agency_a, ent, plan, extra_agencies=[agency_b])
    assert codes_of(joint) == ["plan_mismatch"]
    plan.member_agencies.add(agency_b)
    assert codes_of(joint) == []


def test_planned_inspection_of_an_enterprise_outside_the_plans_targets_is_refused_with_plan_mismatch(agency_a):
    day = date.today() + timedelta(days=1)
    plan = AnnualPlanFactory(lead_agency=agency_a, status="filed", targets=[EnterpriseFactory()],
                             months=[f"{day:%Y-%m}"])
    report = inspection_gate_report(inspection=_planned(agency_a, EnterpriseFactory(), plan))
    assert report.codes == ["plan_mismatch"] and "enterprise" in report.errors[0].detail


def test_planned_inspection_dated_outside_the_plans_months_is_refused_with_plan_mismatch(agency_a):
    ent = EnterpriseFactory()
    day = date.today() + timedelta(days=1)
    other_month = (day.replace(day=1) + timedelta(days=40)).strftime("%Y-%m")
    plan = AnnualPlanFactory(lead_agency=agency_a, status="published", targets=[ent], months=[other_month])
    report = inspection_gate_report(inspection=_planned(agency_a, ent, plan, day=day))
    assert report.codes == ["plan_mismatch"] and report.errors[0].detail["month"] == f"{day:%Y-%m}"


# ---- decision f: special inspections need a filed special plan ------------------------------------

def test_special_inspection_with_only_an_approval_number_is_refused_special_plan_not_filed(agency_a):
    insp = make_inspection(agency=agency_a, plan=None, special_approval_ref="鸠司审〔2026〕8号")
    assert codes_of(insp) == ["special_plan_not_filed"]


def test_special_inspection_needs_a_special_plan_published_within_one_month_of_filing(agency_a):
    """Passes under a special plan filed and published within a month; refused under an annual plan,
    a special plan only filed (not yet published), or one published more than a month after filing."""
    from django.utils import timezone

    from plans.tests.factories import special_plan_for

    ent = EnterpriseFactory()
    day = date.today() + timedelta(days=1)
    filed = timezone.now() - timedelta(days=60)
    good = special_plan_for(agency=agency_a, enterprise=ent, day=day, filed_at=filed,
                            published_at=filed + timedelta(days=25))
    assert codes_of(make_inspection(agency=agency_a, enterprise=ent, day=day, plan=good)) == []
    annual = AnnualPlanFactory(lead_agency=agency_a, status="published", targets=[ent], months=[f"{day:%Y-%m}"],
                               filed_at=filed, published_at=filed)
    only_filed = special_plan_for(agency=agency_a, enterprise=ent, day=day, status="filed", published_at=None)
    late = special_plan_for(agency=agency_a, enterprise=ent, day=day, filed_at=filed,
                            published_at=filed + timedelta(days=40))
    for plan in (annual, only_filed, late):
        assert codes_of(make_inspection(agency=agency_a, enterprise=ent, day=day, plan=plan)) == [
            "special_plan_not_filed"], plan.title


def test_special_inspection_by_an_agency_outside_its_special_plan_is_refused_with_plan_mismatch(agency_a, agency_b):
    from plans.tests.factories import special_plan_for

    plan = special_plan_for(agency=agency_a)
    assert codes_of(make_inspection(agency=agency_b, plan=plan)) == ["plan_mismatch"]

"""检查码: issuance under the gates, the code itself, scans, late codes, revocation, results,
evaluation and rectification (services)."""
from datetime import date, timedelta

import pytest
import time_machine
from django.utils import timezone

from checkcode import codes
from checkcode.exceptions import CodeNotIssued, EvaluationAlreadySubmitted
from checkcode.models import CheckCode, CodeScan, Rectification
from checkcode.selectors import (
    checkcode_get_by_string,
    checkcode_public_view,
    evaluation_aggregate_for_agency,
)
from checkcode.services import (
    checkcode_issue,
    checkcode_issue_late,
    checkcode_revoke,
    checkcode_scan_record,
    checkcode_sweep_unshown,
    evaluation_submit,
    rectification_respond,
    rectification_sweep,
    rectification_verify,
    result_record,
)
from jiujiang_inspect.exceptions import InvalidState, PermissionDeniedError, RuleViolations
from jiujiang_inspect.models import Alert
from plans.exceptions import UsccMismatch
from plans.models import CapPolicy, GateRefusal
from plans.selectors.counting import slots_used as used_slots
from plans.tests.factories import EnterpriseFactory, NegativeItemFactory

from .factories import approved_inspection

pytestmark = pytest.mark.django_db


def test_code_has_80_random_bits_readable_groups_and_a_check_character():
    made = {codes.generate() for _ in range(2000)}
    assert len(made) == 2000
    code = next(iter(made))
    assert code.startswith("JJ-") and [len(g) for g in code.split("-")] == [2, 4, 4, 4, 4, 1]
    assert codes.normalize(code.lower().replace("-", " ")) == code
    body = code.replace("-", "")[2:]
    typo = body[:3] + ("1" if body[3] != "1" else "2") + body[4:]
    assert codes.normalize(typo) is None  # one wrong character is caught


def test_issue_takes_the_slot_and_sets_a_one_day_window(alice, agency_a):
    insp = approved_inspection(agency=agency_a)
    code = checkcode_issue(inspection=insp, issued_by=alice)
    insp.refresh_from_db()
    assert (insp.status, insp.slot_year, insp.counts_toward_cap) == ("code_issued", insp.date.year, True)
    assert timezone.localtime(code.valid_from).date() == insp.date
    assert timezone.localtime(code.valid_until).date() == insp.date
    assert used_slots(enterprise=insp.enterprise, year=insp.date.year) == 1
    with pytest.raises(InvalidState):
        checkcode_issue(inspection=insp, issued_by=alice)


def test_issue_refuses_at_cap_and_records_the_refusal(alice, bob, agency_a, agency_b):
    """GIVEN a whitelisted enterprise (cap 1) whose slot agency A has taken
    WHEN agency B asks for a code THEN 409 enterprise_over_yearly_cap, a GateRefusal and an Alert."""
    CapPolicy.objects.update_or_create(pool="whitelist", defaults={"yearly_onsite_cap": 1})
    ent = EnterpriseFactory(pool="whitelist")
    checkcode_issue(inspection=approved_inspection(agency=agency_a, enterprise=ent), issued_by=alice)
    other = approved_inspection(agency=agency_b, enterprise=ent)
    with pytest.raises(RuleViolations) as err:
        checkcode_issue(inspection=other, issued_by=bob)
    assert err.value.code == "enterprise_over_yearly_cap"
    assert GateRefusal.objects.filter(inspection=other, stage="issue", code="enterprise_over_yearly_cap").exists()
    assert Alert.objects.filter(kind="gate_refusal", enterprise_uscc=ent.uscc).exists()
    assert not CheckCode.objects.filter(inspection=other).exists()


def test_only_participants_issue_codes(bob, agency_a):
    with pytest.raises(PermissionDeniedError):
        checkcode_issue(inspection=approved_inspection(agency=agency_a), issued_by=bob)


def test_draft_gets_no_code(alice, agency_a):
    with pytest.raises(InvalidState):
        checkcode_issue(inspection=approved_inspection(agency=agency_a, status="draft"), issued_by=alice)


def test_revocation_before_the_window_frees_the_slot(alice, agency_a):
    insp = approved_inspection(agency=agency_a, day=date.today() + timedelta(days=3))
    code = checkcode_issue(inspection=insp, issued_by=alice)
    checkcode_revoke(code=code, by=alice, reason="企业停产，改期检查")
    insp.refresh_from_db()
    assert (insp.status, insp.slot_year) == ("approved", None)
    assert checkcode_public_view(checkcode_get_by_string(code.code))["verdict_label"] == "已撤销"
    again = checkcode_issue(inspection=insp, issued_by=alice)  # a new code can be issued
    assert again.code != code.code


def test_first_scan_shows_the_code_and_every_scan_is_logged(alice, agency_a):
    code = checkcode_issue(inspection=approved_inspection(agency=agency_a), issued_by=alice)
    checkcode_scan_record(code=code, user_agent="Mozilla/5.0 (iPhone) MicroMessenger Safari", ip="36.7.12.99")
    checkcode_scan_record(code=code, user_agent="curl/8", ip="2408:8210:1:2::3")
    code.refresh_from_db()
    assert code.status == "shown" and code.first_shown_at
    assert list(CodeScan.objects.filter(check_code=code).order_by("id").values_list("client", "ip_prefix")) == [
        ("微信 Safari", "36.7.12.0/24"), ("其他 curl", "2408:8210:1::/48")]


def test_public_view_shows_names_and_certificates_but_nothing_private(alice, agency_a):
    insp = approved_inspection(agency=agency_a, day=timezone.localdate())
    code = checkcode_issue(inspection=insp, issued_by=alice)
    view = checkcode_public_view(checkcode_get_by_string(code.code))
    assert view["verdict_label"] == "真实有效"
    people = view["participations"][0]["inspectors"]
    assert {p["name"] for p in people} == set(insp.participations.get().inspectors.values_list("name", flat=True))
    assert all(set(p) == {"name", "certificate_number"} for p in people)
    assert view["participations"][0]["matters"][0]["legal_bases"]
    assert view["quota"]["remaining"] == view["quota"]["yearly_cap"] - 1


def test_unknown_or_mistyped_code_is_not_found():
    assert checkcode_get_by_string("JJ-0000-0000-0000-0000-0") is None
    assert checkcode_get_by_string("hello") is None


def test_unshown_code_expires_at_window_end_with_an_alert(alice, agency_a):
    code = checkcode_issue(inspection=approved_inspection(agency=agency_a), issued_by=alice)
    assert checkcode_sweep_unshown(now=code.valid_until - timedelta(hours=1)) == 0
    assert checkcode_sweep_unshown(now=code.valid_until + timedelta(minutes=1)) == 1
    assert checkcode_sweep_unshown(now=code.valid_until + timedelta(minutes=2)) == 0
    code.refresh_from_db()
    assert code.status == "expired"
    assert Alert.objects.filter(kind="checkcode_unshown").count() == 1


def test_late_code_within_ten_days_with_reason_is_flagged(alice, agency_a):
    insp = approved_inspection(agency=agency_a, day=date.today() - timedelta(days=3), notified_at=None,
                               notice_method="")
    with pytest.raises(InvalidState):
        checkcode_issue(inspection=insp, issued_by=alice)  # past day: only a late code
    code = checkcode_issue_late(inspection=insp, issued_by=alice, reason="危化品泄漏紧急处置")
    insp.refresh_from_db()
    assert code.is_late and insp.is_emergency and insp.slot_year == insp.date.year
    assert checkcode_public_view(checkcode_get_by_string(code.code))["is_late"]
    too_old = approved_inspection(agency=agency_a, day=date.today() - timedelta(days=11))
    with pytest.raises(InvalidState):
        checkcode_issue_late(inspection=too_old, issued_by=alice, reason="紧急")


def test_result_needs_a_code_for_onsite_inspections(alice, agency_a):
    with pytest.raises(CodeNotIssued):
        result_record(inspection=approved_inspection(agency=agency_a), by=alice, outcome="no_issue")


def test_full_path_result_evaluation_rectification_closed(alice, agency_a):
    """GIVEN an inspection with its code WHEN the inspector records a rectification result, the
    enterprise evaluates and responds, and the inspector verifies THEN everything ends closed."""
    insp = approved_inspection(agency=agency_a)
    code = checkcode_issue(inspection=insp, issued_by=alice)
    deadline = insp.date + timedelta(days=15)
    result_record(inspection=insp, by=alice, outcome="rectification", findings="灭火器过期",
                  rectification={"items": [{"item": "更换灭火器"}], "deadline": deadline})
    insp.refresh_from_db()
    code.refresh_from_db()
    assert (insp.status, insp.outcome, code.status) == ("result_recorded", "rectification", "completed")
    uscc = insp.enterprise.uscc
    with pytest.raises(UsccMismatch):
        evaluation_submit(code=code, uscc="91340207MA0000000X", rating=5, code_shown=True, notified_in_advance=True)
    evaluation_submit(code=code, uscc=uscc.lower(), rating=5, code_shown=True, notified_in_advance=True)
    with pytest.raises(EvaluationAlreadySubmitted):
        evaluation_submit(code=code, uscc=uscc, rating=4, code_shown=True, notified_in_advance=True)
    rect = Rectification.objects.get(result__inspection=insp)
    rectification_respond(rectification=rect, uscc=uscc, response="已更换全部灭火器")
    rectification_verify(rectification=rect, by=alice, passed=True, note="现场复查合格")
    insp.refresh_from_db()
    code.refresh_from_db()
    rect.refresh_from_db()
    assert (insp.status, code.status, rect.status) == ("closed", "closed", "closed")
    assert used_slots(enterprise=insp.enterprise, year=insp.date.year) == 1  # 复查 took no slot


def test_low_rating_or_negative_item_raises_an_alert(alice, agency_a):
    insp = approved_inspection(agency=agency_a)
    code = checkcode_issue(inspection=insp, issued_by=alice)
    result_record(inspection=insp, by=alice, outcome="no_issue")
    evaluation_submit(code=code, uscc=insp.enterprise.uscc, rating=4, code_shown=True, notified_in_advance=False,
                      negative_items=[NegativeItemFactory(title="吃拿卡要")])
    alert = Alert.objects.get(kind="evaluation_negative")
    assert "吃拿卡要" in alert.message and alert.agency is None  # anonymous: not routed to the agency


def test_agency_sees_evaluation_aggregates_only_over_five(alice, agency_a):
    for n in range(5):
        insp = approved_inspection(agency=agency_a)
        code = checkcode_issue(inspection=insp, issued_by=alice)
        result_record(inspection=insp, by=alice, outcome="no_issue")
        evaluation_submit(code=code, uscc=insp.enterprise.uscc, rating=5 - (n % 2), code_shown=True,
                          notified_in_advance=True)
        agg = evaluation_aggregate_for_agency(agency=agency_a)
        assert agg["visible"] is (n == 4)
    assert agg["average_rating"] == 4.6 and agg["count"] == 5


def test_rectification_reminders_and_overdue_alerts(alice, agency_a):
    insp = approved_inspection(agency=agency_a, day=date.today())
    checkcode_issue(inspection=insp, issued_by=alice)
    result_record(inspection=insp, by=alice, outcome="rectification", findings="台账不全",
                  rectification={"items": ["整改台账"], "deadline": date.today() + timedelta(days=5)})
    assert rectification_sweep(today=date.today()) == {"reminded": 0, "overdue": 0}
    assert rectification_sweep(today=date.today() + timedelta(days=2)) == {"reminded": 1, "overdue": 0}
    assert rectification_sweep(today=date.today() + timedelta(days=3)) == {"reminded": 0, "overdue": 0}
    with time_machine.travel(timezone.now() + timedelta(days=6)):
        assert rectification_sweep(today=date.today() + timedelta(days=6))["overdue"] == 1
        rectification_sweep(today=date.today() + timedelta(days=6))
    assert Alert.objects.filter(kind="rectification_overdue").count() == 1
    assert Alert.objects.filter(kind="rectification_due").count() == 1


def test_failed_recheck_sends_it_back_with_a_new_deadline(alice, agency_a):
    insp = approved_inspection(agency=agency_a)
    checkcode_issue(inspection=insp, issued_by=alice)
    result_record(inspection=insp, by=alice, outcome="rectification", findings="台账不全",
                  rectification={"items": ["整改"], "deadline": insp.date + timedelta(days=3)})
    rect = Rectification.objects.get()
    rectification_respond(rectification=rect, uscc=insp.enterprise.uscc, response="已整改")
    rectification_verify(rectification=rect, by=alice, passed=False, note="未到位",
                         new_deadline=date.today() + timedelta(days=10))
    rect.refresh_from_db()
    assert rect.status == "rejected"
    rectification_respond(rectification=rect, uscc=insp.enterprise.uscc, response="再次整改")
    assert Rectification.objects.get().status == "responded"


def test_tasks_call_the_sweeps(alice, agency_a):
    from checkcode.tasks import checkcode_sweep_unshown_task, rectification_sweep_task

    assert rectification_sweep_task.delay(str(date.today())).get() == {"reminded": 0, "overdue": 0}
    assert checkcode_sweep_unshown_task.delay().get() == 0

"""Rules of training, online tests, the case library and result recognition, through the services."""
import random
from datetime import date, timedelta

import pytest
from django.utils import timezone

from guidance import selectors, services
from guidance.exceptions import (
    EquivalenceSameAgency,
    InvalidState,
    NotInvited,
    PermissionDeniedError,
    QuestionPoolTooSmall,
    RecognitionMattersNotCovered,
    ResultNotRecognisable,
    SignInNotOpen,
    TestAttemptsExhausted,
    ValidationFailed,
)
from guidance.models import GuidancePolicy, OnlineTest, TestAttempt, TrainingAttendance
from guidance.tests.factories import (
    AgencyFactory,
    AttendanceFactory,
    EnterpriseFactory,
    InspectorFactory,
    MatterFactory,
    OnlineTestFactory,
    QuestionFactory,
    TrainingSessionFactory,
    TypicalCaseFactory,
    code_for,
    inspection_with,
    result_for,
)
from jiujiang_inspect.models import AuditEntry
from plans.models import Inspection

pytestmark = pytest.mark.django_db


# --- Training -----------------------------------------------------------------------------------------


def test_inspector_signs_in_on_the_day_only_and_twice_is_harmless(alice, agency_a):
    session = TrainingSessionFactory(organiser=agency_a, date=timezone.localdate())
    first = services.training_sign_in(session=session, by=alice)
    again = services.training_sign_in(session=session, by=alice)
    assert first.pk == again.pk and first.method == TrainingAttendance.Method.SELF
    tomorrow = TrainingSessionFactory(organiser=agency_a, date=timezone.localdate() + timedelta(days=1))
    with pytest.raises(SignInNotOpen):
        services.training_sign_in(session=tomorrow, by=alice)


def test_sign_in_refused_when_agency_not_invited(alice, agency_a, agency_b, justice_bureau):
    session = TrainingSessionFactory(organiser=justice_bureau, date=timezone.localdate())
    session.invited_agencies.set([agency_b])
    with pytest.raises(NotInvited):
        services.training_sign_in(session=session, by=alice)


def test_organiser_records_attendance_all_or_nothing(anna, agency_a, agency_b):
    session = TrainingSessionFactory(organiser=agency_a, date=timezone.localdate())
    session.invited_agencies.set([agency_a])
    mine = InspectorFactory.create_batch(2, agency=agency_a)
    outsider = InspectorFactory(agency=agency_b)
    with pytest.raises(ValidationFailed) as e:
        services.training_attendance_record(session=session, by=anna, inspectors=[*mine, outsider])
    assert "受邀范围" in e.value.message and not session.attendances.exists()
    assert services.training_attendance_record(session=session, by=anna, inspectors=mine) == 2
    session.refresh_from_db()
    assert session.status == "done"
    assert AuditEntry.objects.filter(action="training.attendance_recorded").count() == 1


def test_agency_admin_cannot_manage_another_agencys_training(bert, agency_a):
    session = TrainingSessionFactory(organiser=agency_a)
    with pytest.raises(PermissionDeniedError):
        services.training_update(session=session, by=bert, title="改名")


def test_coverage_counts_checkcode_training_by_deadline_and_lists_who_is_missing(rita, agency_a, agency_b):
    """GIVEN 3 inspectors in A (one trained before the deadline, one after) and 2 in B, one helper
    WHEN the reviewer reads the coverage
    THEN A is 1/3 trained, B 0/2, the helper is not counted, and the missing list names the others."""
    GuidancePolicy.objects.update_or_create(pk=1, defaults={"checkcode_training_deadline": date(2025, 4, 30)})
    a1, a2, a3 = InspectorFactory.create_batch(3, agency=agency_a)
    InspectorFactory.create_batch(2, agency=agency_b)
    InspectorFactory(agency=agency_b, is_helper=True)
    AttendanceFactory(inspector=a1, session=TrainingSessionFactory(date=date(2025, 4, 10), organiser=agency_a))
    AttendanceFactory(inspector=a2, session=TrainingSessionFactory(date=date(2025, 5, 10), organiser=agency_a))
    AttendanceFactory(inspector=a3, session=TrainingSessionFactory(date=date(2025, 4, 1), organiser=agency_a,
                                                                   is_checkcode=False))
    rows = {r["agency"].code: r for r in selectors.training_coverage_by_agency()}
    assert (rows["SCJG"]["active"], rows["SCJG"]["trained"], rows["SCJG"]["missing"]) == (3, 1, 2)
    assert (rows["YJGL"]["active"], rows["YJGL"]["trained"]) == (2, 0)
    missing = set(selectors.inspectors_missing_training())
    assert a1 not in missing and {a2, a3} <= missing and len(missing) == 4


# --- Tests --------------------------------------------------------------------------------------------


def test_question_rules_refuse_bad_answers_with_field_errors(rita):
    with pytest.raises(ValidationFailed) as e:
        services.question_save(by=rita, code="Q1", kind="multiple", stem="题", options=["a", "b", "c"], answer=[1],
                               basis="举措10", explanation="解析")
    assert "answer" in e.value.detail
    q = services.question_save(by=rita, code="Q2", kind="true_false", stem="判断", options=[], answer=[0],
                               basis="举措10", explanation="解析", tags=["检查码"])
    assert q.options == ["正确", "错误"] and [t.name for t in q.tags.all()] == ["检查码"]


def test_passing_the_checkcode_test_marks_the_inspector_trained(alice):
    """GIVEN the published 检查码 test of two questions, pass mark 60
    WHEN alice answers both right
    THEN her attempt passes with 100 and her Inspector record carries the pass time (for the gate)."""
    q1, q2 = QuestionFactory(), QuestionFactory(kind="true_false", options=["正确", "错误"], answer=[0])
    test = OnlineTestFactory(questions=[q1, q2], is_checkcode_test=True)
    attempt = services.attempt_start(test=test, by=alice)
    assert "answer" in attempt.paper[0]  # stored server-side for grading
    done = services.attempt_submit(attempt=attempt, by=alice, answers={str(q1.pk): [1], str(q2.pk): [0]})
    assert done.passed and done.score == 100 and done.status == "submitted"
    alice.inspector.refresh_from_db()
    assert alice.inspector.checkcode_test_passed_at == done.submitted_at


def test_failed_attempt_shows_mistakes_and_does_not_mark_trained(alice):
    q1, q2 = QuestionFactory(), QuestionFactory()
    test = OnlineTestFactory(questions=[q1, q2], is_checkcode_test=True, pass_mark=80)
    attempt = services.attempt_start(test=test, by=alice)
    done = services.attempt_submit(attempt=attempt, by=alice, answers={str(q1.pk): [1], str(q2.pk): [0]})
    assert not done.passed and done.score == 50
    review = services.attempt_review(done)
    wrong = [r for r in review if not r["correct"]]
    assert len(wrong) == 1 and wrong[0]["explanation"] and wrong[0]["answer_labels"] == ["原则上不可以"]
    alice.inspector.refresh_from_db()
    assert alice.inspector.checkcode_test_passed_at is None


def test_late_submission_cannot_pass(alice):
    q = QuestionFactory()
    test = OnlineTestFactory(questions=[q], time_limit_minutes=10)
    start = timezone.now()
    attempt = services.attempt_start(test=test, by=alice, now=start)
    done = services.attempt_submit(attempt=attempt, by=alice, answers={str(q.pk): [1]},
                                   now=start + timedelta(minutes=15))
    assert done.status == "expired" and not done.passed and done.score == 100


def test_random_test_draws_from_tagged_pools_per_attempt(alice, rita):
    for _ in range(6):
        QuestionFactory(tags=["检查码"])
    for _ in range(3):
        QuestionFactory(tags=["两人执法"])
    test = services.test_save(by=rita, title="随机卷", mode="random", pass_mark=60, time_limit_minutes=20,
                              pools=[("检查码", 3), ("两人执法", 2)])
    services.test_publish(test=test, by=rita)
    a1 = services.attempt_start(test=test, by=alice, rng=random.Random(1))
    assert len(a1.paper) == 5 and len({q["id"] for q in a1.paper}) == 5
    services.attempt_submit(attempt=a1, by=alice, answers={})
    a2 = services.attempt_start(test=test, by=alice, rng=random.Random(2))
    assert {q["id"] for q in a1.paper} != {q["id"] for q in a2.paper}


def test_publish_refuses_a_pool_larger_than_the_bank(rita):
    QuestionFactory(tags=["频次上限"])
    test = services.test_save(by=rita, title="卷", mode="random", pass_mark=60, time_limit_minutes=20,
                              pools=[("频次上限", 5)])
    with pytest.raises(QuestionPoolTooSmall) as e:
        services.test_publish(test=test, by=rita)
    assert e.value.code == "question_pool_too_small"


def test_max_attempts_and_only_own_paper(alice, bob):
    q = QuestionFactory()
    test = OnlineTestFactory(questions=[q], max_attempts=1)
    attempt = services.attempt_start(test=test, by=alice)
    with pytest.raises(PermissionDeniedError):
        services.attempt_submit(attempt=attempt, by=bob, answers={})
    services.attempt_submit(attempt=attempt, by=alice, answers={})
    with pytest.raises(TestAttemptsExhausted):
        services.attempt_start(test=test, by=alice)


def test_draft_test_cannot_be_started(alice):
    test = OnlineTestFactory(questions=[QuestionFactory()], status=OnlineTest.Status.DRAFT)
    with pytest.raises(Exception) as e:
        services.attempt_start(test=test, by=alice)
    assert e.value.code == "test_not_open"


def test_results_by_agency_count_passes(alice, bob, rita):
    q = QuestionFactory()
    test = OnlineTestFactory(questions=[q])
    for user, ans in ((alice, [1]), (bob, [0])):
        services.attempt_submit(attempt=services.attempt_start(test=test, by=user), by=user, answers={str(q.pk): ans})
    rows = {r["agency"].code: r for r in selectors.test_results_by_agency(test=test, user=rita)}
    assert rows["SCJG"]["passed"] == 1 and rows["YJGL"]["passed"] == 0 and rows["YJGL"]["sat"] == 1
    assert list(selectors.test_results_by_agency(test=test, user=alice))[0]["agency"].code == "SCJG"
    assert TestAttempt.objects.count() == 2


# --- Cases --------------------------------------------------------------------------------------------


def test_inspectors_see_cases_of_the_matters_their_agency_inspects(alice, bob, agency_a, agency_b):
    m_a, m_b = MatterFactory(agency=agency_a), MatterFactory(agency=agency_b)
    other_agency_matter = MatterFactory()
    enterprise = EnterpriseFactory()
    inspection_with(enterprise=enterprise, parts=[(agency_a, [m_a]), (agency_b, [m_b])])
    b_case = TypicalCaseFactory(matters=[m_b], title="联合检查中重复检查")
    a_case = TypicalCaseFactory(matters=[m_a])
    TypicalCaseFactory(matters=[other_agency_matter])
    TypicalCaseFactory(matters=[m_a], status="draft")
    assert set(selectors.typical_cases_relevant_for_user(user=alice)) == {a_case}
    assert set(selectors.typical_cases_relevant_for_user(user=bob)) == {b_case}


def test_case_search_matches_every_word(rita):
    TypicalCaseFactory(title="某局未亮码入企检查案", facts="执法人员未出示检查码。")
    TypicalCaseFactory(title="吃拿卡要案", facts="索要财物。", rule="负面清单", handling="移送纪检监察", lesson="廉洁执法",
                       category="misconduct")
    qs = selectors.typical_case_list_for_user(user=rita)
    assert [c.title for c in selectors.typical_case_search(qs, "亮码 检查")] == ["某局未亮码入企检查案"]
    assert selectors.typical_case_search(qs, "").count() == 2


def test_case_library_is_kept_by_reviewers_with_audit(rita, anna):
    with pytest.raises(PermissionDeniedError):
        services.typical_case_save(by=anna, title="x", kind="violation", category="other", facts="f", rule="r",
                                   handling="h", lesson="l")
    case = services.typical_case_save(by=rita, title="过度检查案", kind="violation", category="over_inspection",
                                      facts="一月内检查五次", rule="频次上限", handling="约谈", lesson="统筹", matters=[])
    services.typical_case_publish(case=case, by=rita)
    assert list(AuditEntry.objects.filter(target_id=str(case.pk)).values_list("action", flat=True)) == [
        "typical_case.published", "typical_case.created"]


# --- Result recognition -------------------------------------------------------------------------------


@pytest.fixture
def recognition_setup(alice, bob, agency_a, agency_b):
    """Agency B inspected fire safety at the enterprise 30 days ago; agency A drafts a check of its own
    equivalent matter there."""
    m_a, m_b = MatterFactory(agency=agency_a, name="消防安全检查（A）"), MatterFactory(agency=agency_b)
    enterprise = EnterpriseFactory()
    done = inspection_with(enterprise=enterprise, parts=[(agency_b, [m_b])],
                           date_=timezone.localdate() - timedelta(days=30), status="code_issued")
    result = result_for(done, by=bob, recorded_at=timezone.now() - timedelta(days=30))
    draft = inspection_with(enterprise=enterprise, parts=[(agency_a, [m_a])])
    return {"m_a": m_a, "m_b": m_b, "enterprise": enterprise, "result": result, "draft": draft}


def test_equivalent_result_is_offered_and_recognised_instead_of_inspecting(rita, alice, recognition_setup):
    """GIVEN B's recent result on a matter the reviewer declared equivalent to A's
    WHEN A recognises it
    THEN A's draft is cancelled (audited), no code exists, and one inspection avoided is counted."""
    s = recognition_setup
    assert selectors.recognisable_results(inspection=s["draft"]) == []
    services.equivalence_create(by=rita, matter_a=s["m_a"], matter_b=s["m_b"], note="同为消防安全检查")
    [candidate] = selectors.recognisable_results(inspection=s["draft"])
    assert candidate["result"] == s["result"] and candidate["full"]
    rec = services.recognition_create(inspection=s["draft"], result=s["result"], by=alice, reason="B局30天前已查，结果互认")
    s["draft"].refresh_from_db()
    assert s["draft"].status == Inspection.Status.CANCELLED and not s["draft"].check_codes.exists()
    assert rec.agency.code == "SCJG" and rec.enterprise == s["enterprise"]
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"inspection.cancelled", "recognition.created", "matter_equivalence.created"} <= actions
    today = timezone.localdate()
    assert selectors.recognitions_count(today.year, today.month) == 1
    assert selectors.recognitions_count(today.year, agency=s["draft"].initiating_agency) == 1
    with pytest.raises(InvalidState):
        services.recognition_create(inspection=s["draft"], result=s["result"], by=alice, reason="再来一次")


def test_result_outside_the_window_is_not_recognisable(rita, alice, recognition_setup):
    s = recognition_setup
    services.equivalence_create(by=rita, matter_a=s["m_a"], matter_b=s["m_b"])
    services.policy_update(by=rita, recognition_window_days=20, reason="试行缩短")
    with pytest.raises(ResultNotRecognisable):
        services.recognition_create(inspection=s["draft"], result=s["result"], by=alice, reason="互认")
    assert AuditEntry.objects.filter(action="guidance_policy.updated").exists()


def test_partly_covered_draft_cannot_be_recognised(rita, alice, agency_a, recognition_setup):
    s = recognition_setup
    services.equivalence_create(by=rita, matter_a=s["m_a"], matter_b=s["m_b"])
    s["draft"].participations.get().matters.add(MatterFactory(agency=agency_a))
    with pytest.raises(RecognitionMattersNotCovered):
        services.recognition_create(inspection=s["draft"], result=s["result"], by=alice, reason="互认")


def test_only_the_drafting_agency_may_recognise_and_only_a_draft(rita, bob, alice, recognition_setup):
    s = recognition_setup
    services.equivalence_create(by=rita, matter_a=s["m_a"], matter_b=s["m_b"])
    with pytest.raises(PermissionDeniedError):
        services.recognition_create(inspection=s["draft"], result=s["result"], by=bob, reason="越权")
    Inspection.objects.filter(pk=s["draft"].pk).update(status="approved")
    code_for(s["draft"], by=alice)
    with pytest.raises(InvalidState):
        services.recognition_create(inspection=s["draft"], result=s["result"], by=alice, reason="已审批")


def test_own_agency_results_are_not_offered_for_recognition(alice, agency_a):
    m = MatterFactory(agency=agency_a)
    enterprise = EnterpriseFactory()
    mine = inspection_with(enterprise=enterprise, parts=[(agency_a, [m])], status="code_issued")
    result_for(mine, by=alice)
    draft = inspection_with(enterprise=enterprise, parts=[(agency_a, [m])])
    assert selectors.recognisable_results(inspection=draft) == []


def test_equivalence_needs_two_agencies(rita, agency_a):
    m1, m2 = MatterFactory(agency=agency_a), MatterFactory(agency=agency_a)
    with pytest.raises(EquivalenceSameAgency):
        services.equivalence_create(by=rita, matter_a=m1, matter_b=m2)


def test_same_matter_of_another_agency_in_a_joint_result_counts(bob, alice, agency_a, agency_b):
    """A joint result in which B checked matter M covers A's draft on the same matter M."""
    m = MatterFactory(agency=agency_b)
    enterprise = EnterpriseFactory()
    joint = inspection_with(enterprise=enterprise, parts=[(agency_b, [m]), (AgencyFactory(), [MatterFactory()])],
                            status="code_issued")
    result_for(joint, by=bob)
    draft = inspection_with(enterprise=enterprise, parts=[(agency_a, [m])])
    [candidate] = selectors.recognisable_results(inspection=draft)
    assert candidate["full"] and len(candidate["agencies"]) == 2

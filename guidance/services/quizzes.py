"""Question bank, online tests and attempts (举措 17 在线测试; 举措 9: the 检查码 test).

Scoring: every question weighs the same; a multiple-choice question counts only when exactly the
right options are chosen. The score is a percentage with one decimal; the attempt passes when the
score reaches the test's pass mark and the paper was handed in within the time limit (plus a short
grace for the network).
"""
import random
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jiujiang_inspect import roles
from jiujiang_inspect.audit import audit_record, model_changes, snapshot
from subjects.services import inspector_mark_checkcode_test_passed

from ..exceptions import (
    InvalidState,
    PermissionDeniedError,
    QuestionPoolTooSmall,
    TestAttemptsExhausted,
    TestNotOpen,
    ValidationFailed,
)
from ..models import OnlineTest, Question, QuestionTag, TestAttempt, TestPool
from .common import fail, inspector_of

SUBMIT_GRACE = timedelta(seconds=60)
QUESTION_FIELDS = ["code", "kind", "stem", "options", "answer", "basis", "explanation", "is_active"]
TEST_FIELDS = ["title", "description", "mode", "pass_mark", "time_limit_minutes", "max_attempts",
               "is_checkcode_test", "status"]


# --- Question bank -----------------------------------------------------------------------------------


def question_errors(*, code, kind, stem, options, answer, basis, explanation) -> dict:
    """Field → message for a question that cannot go into the bank (shared by the form, API and the
    Excel import, so all three refuse the same things with the same words)."""
    errors = {}
    if not code or len(str(code)) > 40:
        errors["code"] = _("题目编号必填，且不超过40个字符。")
    if kind not in Question.Kind.values:
        errors["kind"] = _("题型应为单选题、多选题或判断题。")
    if not stem or len(stem) > 2000:
        errors["stem"] = _("题干必填，且不超过2000个字符。")
    if not basis or len(basis) > 300:
        errors["basis"] = _("请填写所考查的法律依据或改革举措（不超过300个字符）。")
    if not explanation:
        errors["explanation"] = _("请填写解析，答错时展示给作答人。")
    if kind == Question.Kind.TRUE_FALSE:
        options = Question.TRUE_FALSE_OPTIONS
    elif not isinstance(options, list) or not 2 <= len(options) <= 8 or any(not str(o).strip() for o in options):
        errors["options"] = _("选择题须有2至8个非空选项。")
        return errors
    if not isinstance(answer, list) or not answer or any(not isinstance(a, int) or not 0 <= a < len(options)
                                                         for a in answer):
        errors["answer"] = _("正确答案须为有效的选项。")
    elif len(set(answer)) != len(answer):
        errors["answer"] = _("正确答案有重复选项。")
    elif kind in (Question.Kind.SINGLE, Question.Kind.TRUE_FALSE) and len(answer) != 1:
        errors["answer"] = _("单选题和判断题只能有一个正确答案。")
    elif kind == Question.Kind.MULTIPLE and len(answer) < 2:
        errors["answer"] = _("多选题至少有两个正确答案。")
    return errors


def _tags(names):
    tags = []
    for name in {str(n).strip() for n in names or [] if str(n).strip()}:
        if len(name) > 50:
            fail("tags", _("标签不能超过50个字符。"))
        tags.append(QuestionTag.objects.get_or_create(name=name)[0])
    return tags


@transaction.atomic
def question_save(*, by, question: Question | None = None, code: str, kind: str, stem: str,
                  options: list | None = None, answer: list | None = None, basis: str = "", explanation: str = "",
                  tags=(), is_active: bool = True,
                  audit: bool = True) -> Question:
    """Create or edit a question of the bank (reviewers). `code` identifies it across imports.
    Missing options, answer, basis or explanation are field errors (400), never a TypeError."""
    roles.require(by, roles.REVIEWER)
    stem, basis, explanation = (stem or "").strip(), (basis or "").strip(), (explanation or "").strip()
    errors = question_errors(code=code, kind=kind, stem=stem, options=options, answer=answer, basis=basis,
                             explanation=explanation)
    clash = Question.objects.filter(code=code).exclude(pk=getattr(question, "pk", None)).exists()
    if clash:
        errors["code"] = _("题目编号已存在。")
    if errors:
        raise ValidationFailed(next(iter(errors.values())), detail={k: [str(v)] for k, v in errors.items()})
    if kind == Question.Kind.TRUE_FALSE:
        options = list(Question.TRUE_FALSE_OPTIONS)
    before = snapshot(question, QUESTION_FIELDS) if question else {}
    question = question or Question()
    for key, value in dict(code=code, kind=kind, stem=stem, options=[str(o).strip() for o in options],
                           answer=sorted(answer), basis=basis, explanation=explanation,
                           is_active=is_active).items():
        setattr(question, key, value)
    question.save()
    tag_objs = _tags(tags)
    old_tags = sorted(question.tags.values_list("name", flat=True)) if before else []
    question.tags.set(tag_objs)
    changes = model_changes(question, QUESTION_FIELDS, before)
    new_tags = sorted(t.name for t in tag_objs)
    if old_tags != new_tags:
        changes["tags"] = [old_tags, new_tags]
    if audit and changes:
        audit_record(actor=by, action="question.updated" if before else "question.created", target=question,
                     changes=changes)
    return question


# --- Tests -------------------------------------------------------------------------------------------


def _pool_shortfalls(test: OnlineTest) -> list[str]:
    short = []
    for pool in test.pools.select_related("tag"):
        have = Question.objects.filter(is_active=True, tags=pool.tag).count()
        if have < pool.count:
            short.append(_("标签“%(tag)s”仅有%(have)d道启用题目，少于抽题数%(need)d。") % {
                "tag": pool.tag.name, "have": have, "need": pool.count})
    return short


def _validate_test(test):
    if not 1 <= (test.pass_mark or 0) <= 100:
        fail("pass_mark", _("及格分应在1到100之间。"))
    if not 1 <= (test.time_limit_minutes or 0) <= 600:
        fail("time_limit_minutes", _("限时应在1到600分钟之间。"))
    if test.mode not in OnlineTest.Mode.values:
        fail("mode", _("组卷方式无效。"))


@transaction.atomic
def test_save(*, by, test: OnlineTest | None = None, questions=None, pools=None, reason: str = "",
              **fields) -> OnlineTest:
    """Create or edit a test (reviewers). `questions`: Question list for a fixed test; `pools`:
    [(tag name, count)] for a random one. A published test keeps its paper rules: close it first."""
    roles.require(by, roles.REVIEWER)
    if test is not None and test.status != OnlineTest.Status.DRAFT and (questions is not None or pools is not None):
        raise InvalidState(_("已发布的测试不能修改试题，请先关闭后另建测试。"))
    before = snapshot(test, TEST_FIELDS) if test else {}
    test = test or OnlineTest(created_by=by)
    for key, value in fields.items():
        if key not in TEST_FIELDS or key == "status":
            continue
        setattr(test, key, value)
    if not (test.title or "").strip():
        fail("title", _("请填写测试名称。"))
    _validate_test(test)
    test.save()
    changes = model_changes(test, TEST_FIELDS, before)
    if questions is not None:
        test.questions.set(questions)
        changes["questions"] = sorted(q.code for q in questions)
    if pools is not None:
        test.pools.all().delete()
        for tag_name, count in pools:
            if int(count) < 1:
                fail("pools", _("抽题数至少为1。"))
            TestPool.objects.create(test=test, tag=_tags([tag_name])[0], count=int(count))
        changes["pools"] = [[t, int(c)] for t, c in pools]
    if changes:
        audit_record(actor=by, action="test.updated" if before else "test.created", target=test, changes=changes,
                     reason=reason)
    return test


@transaction.atomic
def test_publish(*, test: OnlineTest, by) -> OnlineTest:
    """Open a test to inspectors, once its paper can be assembled."""
    roles.require(by, roles.REVIEWER)
    if test.status == OnlineTest.Status.PUBLISHED:
        raise InvalidState(_("该测试已发布。"))
    if test.mode == OnlineTest.Mode.FIXED and not test.questions.filter(is_active=True).exists():
        fail("questions", _("固定试题测试至少需要一道启用的题目。"))
    if test.mode == OnlineTest.Mode.RANDOM:
        if not test.pools.exists():
            fail("pools", _("随机组卷测试至少需要一条抽题规则。"))
        short = _pool_shortfalls(test)
        if short:
            raise QuestionPoolTooSmall(short[0], detail={"pools": short})
    before = test.status
    test.status = OnlineTest.Status.PUBLISHED
    test.save(update_fields=["status", "updated_at"])
    audit_record(actor=by, action="test.published", target=test, changes={"status": [before, test.status]})
    return test


@transaction.atomic
def test_close(*, test: OnlineTest, by) -> OnlineTest:
    roles.require(by, roles.REVIEWER)
    if test.status != OnlineTest.Status.PUBLISHED:
        raise InvalidState(_("只有已发布的测试可以关闭。"))
    test.status = OnlineTest.Status.CLOSED
    test.save(update_fields=["status", "updated_at"])
    audit_record(actor=by, action="test.closed", target=test, changes={"status": ["published", "closed"]})
    return test


# --- Attempts ----------------------------------------------------------------------------------------


def _paper_entry(q: Question) -> dict:
    return {"id": q.pk, "code": q.code, "kind": q.kind, "stem": q.stem, "options": list(q.options),
            "answer": list(q.answer), "basis": q.basis, "explanation": q.explanation}


def _draw(test: OnlineTest, rng) -> list[Question]:
    if test.mode == OnlineTest.Mode.FIXED:
        return list(test.questions.filter(is_active=True).order_by("code"))
    chosen, seen = [], set()
    for pool in test.pools.select_related("tag"):
        candidates = [q for q in Question.objects.filter(is_active=True, tags=pool.tag).order_by("pk")
                      if q.pk not in seen]
        if len(candidates) < pool.count:
            raise QuestionPoolTooSmall(_pool_shortfalls(test)[0] if _pool_shortfalls(test) else None)
        picked = rng.sample(candidates, pool.count)
        seen.update(q.pk for q in picked)
        chosen.extend(picked)
    rng.shuffle(chosen)
    return chosen


def _expire_overdue(inspector, now):
    """An attempt left open past its time limit is closed as 超时 with no score (nothing was handed in)."""
    overdue = TestAttempt.objects.filter(inspector=inspector, status=TestAttempt.Status.IN_PROGRESS,
                                         deadline_at__lt=now - SUBMIT_GRACE)
    for attempt in overdue:
        attempt.status = TestAttempt.Status.EXPIRED
        attempt.total_count = len(attempt.paper)
        attempt.score = Decimal("0.0")
        attempt.save(update_fields=["status", "total_count", "score"])
        audit_record(actor=None, action="test_attempt.expired", target=attempt, changes={"status": ["in_progress",
                                                                                                     "expired"]})


@transaction.atomic
def attempt_start(*, test: OnlineTest, by, now=None, rng=None) -> TestAttempt:
    """Start (or resume) a sitting. The paper is drawn now: random tests draw from their pools anew
    for every attempt. The deadline is fixed at the start, so leaving the page does not stop the clock."""
    inspector = inspector_of(by)
    now = now or timezone.now()
    test = OnlineTest.objects.select_for_update().get(pk=test.pk)
    if test.status != OnlineTest.Status.PUBLISHED:
        raise TestNotOpen()
    _expire_overdue(inspector, now)
    open_attempt = TestAttempt.objects.filter(test=test, inspector=inspector,
                                              status=TestAttempt.Status.IN_PROGRESS).first()
    if open_attempt:
        return open_attempt
    if test.max_attempts and TestAttempt.objects.filter(test=test, inspector=inspector).count() >= test.max_attempts:
        raise TestAttemptsExhausted()
    questions = _draw(test, rng or random.SystemRandom())
    if not questions:
        raise QuestionPoolTooSmall()
    attempt = TestAttempt.objects.create(
        test=test, inspector=inspector, user=by, paper=[_paper_entry(q) for q in questions], started_at=now,
        deadline_at=now + timedelta(minutes=test.time_limit_minutes), total_count=len(questions))
    audit_record(actor=by, action="test_attempt.started", target=attempt,
                 changes={"test": test.title, "questions": [q.code for q in questions]})
    return attempt


def _normalise(answers) -> dict[str, list[int]]:
    out = {}
    for key, value in (answers or {}).items():
        values = value if isinstance(value, list) else [value]
        try:
            out[str(int(key))] = sorted({int(v) for v in values if str(v).strip() != ""})
        except (TypeError, ValueError):
            fail("answers", _("作答格式有误：应为 {题目ID: [选项序号]}。"))
    return out


def grade(paper, answers) -> tuple[int, Decimal]:
    correct = sum(1 for q in paper if answers.get(str(q["id"])) == sorted(q["answer"]))
    total = len(paper)
    score = (Decimal(correct * 100) / Decimal(total)).quantize(Decimal("0.1"), ROUND_HALF_UP) if total else Decimal(0)
    return correct, score


@transaction.atomic
def attempt_submit(*, attempt: TestAttempt, by, answers: dict, now=None) -> TestAttempt:
    """Hand in the paper. Passing the 检查码 test marks the inspector as trained (举措 9) through
    `subjects.services.inspector_mark_checkcode_test_passed`, which the optional
    `inspector_not_trained` gate reads."""
    now = now or timezone.now()
    attempt = TestAttempt.objects.select_for_update().select_related("test", "inspector").get(pk=attempt.pk)
    if attempt.user_id != getattr(by, "pk", None):
        raise PermissionDeniedError(_("只能提交本人的试卷。"))
    if attempt.status != TestAttempt.Status.IN_PROGRESS:
        raise InvalidState(_("该试卷已交卷或已超时。"))
    answers = _normalise(answers)
    paper_ids = {str(q["id"]) for q in attempt.paper}
    answers = {k: v for k, v in answers.items() if k in paper_ids}
    correct, score = grade(attempt.paper, answers)
    late = now > attempt.deadline_at + SUBMIT_GRACE
    attempt.answers = answers
    attempt.correct_count, attempt.total_count, attempt.score = correct, len(attempt.paper), score
    attempt.submitted_at = now
    attempt.status = TestAttempt.Status.EXPIRED if late else TestAttempt.Status.SUBMITTED
    attempt.passed = (not late) and score >= attempt.test.pass_mark
    attempt.save(update_fields=["answers", "correct_count", "total_count", "score", "submitted_at", "status",
                                "passed"])
    audit_record(actor=by, action="test_attempt.submitted", target=attempt,
                 changes={"score": str(score), "passed": attempt.passed, "late": late})
    if attempt.passed and attempt.test.is_checkcode_test:
        inspector_mark_checkcode_test_passed(inspector=attempt.inspector, passed_at=now,
                                             source=f"guidance.test:{attempt.test_id} attempt:{attempt.pk}")
    return attempt


def attempt_review(attempt: TestAttempt) -> list[dict]:
    """The review of a handed-in paper: each question with the chosen and the right options, the
    basis and the explanation (mistakes first is left to the page)."""
    if attempt.status == TestAttempt.Status.IN_PROGRESS:
        return []
    out = []
    for n, q in enumerate(attempt.paper, start=1):
        chosen = attempt.answers.get(str(q["id"]), [])
        out.append({**q, "number": n, "chosen": chosen, "correct": chosen == sorted(q["answer"]),
                    "chosen_labels": [q["options"][i] for i in chosen if i < len(q["options"])],
                    "answer_labels": [q["options"][i] for i in q["answer"] if i < len(q["options"])]})
    return out

import pytest

from guidance import demo
from guidance.models import OnlineTest, Question, TrainingSession, TypicalCase
from jiujiang_inspect.models import AuditEntry

pytestmark = pytest.mark.django_db


def test_demo_seeds_a_real_bank_and_is_idempotent(rita, agency_a, justice_bureau, alice):
    demo.seed()
    assert Question.objects.count() >= 40
    assert OnlineTest.objects.filter(is_checkcode_test=True, status="published").count() == 1
    assert TypicalCase.objects.filter(status="published").count() == len(demo.CASES)
    assert TrainingSession.objects.filter(is_checkcode=True).count() >= 3
    counts = (Question.objects.count(), TrainingSession.objects.count(), AuditEntry.objects.count())
    demo.seed()
    assert (Question.objects.count(), TrainingSession.objects.count(), AuditEntry.objects.count()) == counts


def test_seed_checkcode_test_can_be_taken(alice, rita, justice_bureau):
    from guidance import services

    demo.seed()
    test = OnlineTest.objects.get(is_checkcode_test=True)
    attempt = services.attempt_start(test=test, by=alice)
    assert len(attempt.paper) == 15
    answers = {str(q["id"]): q["answer"] for q in attempt.paper}
    assert services.attempt_submit(attempt=attempt, by=alice, answers=answers).passed

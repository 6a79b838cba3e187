from datetime import timedelta

import pytest
from django.utils import timezone

from guidance import demo, services
from guidance.models import OnlineTest, Question, ResultRecognition, TrainingSession, TypicalCase
from jiujiang_inspect.models import AuditEntry
from plans.models import Inspection

from .factories import EnterpriseFactory, MatterFactory, inspection_with, result_for

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


def test_demo_recognises_a_covered_draft_through_the_service_once(rita, alice, anna, agency_a, agency_b, bob):
    """GIVEN B recorded a result 30 days ago at an enterprise where A now has a draft on an equivalent
    matter WHEN the demo seeds THEN A's admin recognises B's result (draft cancelled, audited) once;
    a second run adds nothing. Without the equivalence nothing is recognised."""
    m_a, m_b = MatterFactory(agency=agency_a, name="消防安全检查（A）"), MatterFactory(agency=agency_b)
    enterprise = EnterpriseFactory()
    done = inspection_with(enterprise=enterprise, parts=[(agency_b, [m_b])],
                           date_=timezone.localdate() - timedelta(days=30), status="code_issued")
    result = result_for(done, by=bob, recorded_at=timezone.now() - timedelta(days=30))
    draft = inspection_with(enterprise=enterprise, parts=[(agency_a, [m_a])],
                            date_=timezone.localdate() + timedelta(days=3))
    assert demo._seed_recognition() is None and not ResultRecognition.objects.exists()

    services.equivalence_create(by=rita, matter_a=m_a, matter_b=m_b, note="同为消防安全检查")
    rec = demo._seed_recognition()
    assert (rec.inspection, rec.result, rec.recognised_by) == (draft, result, anna)
    draft.refresh_from_db()
    assert draft.status == Inspection.Status.CANCELLED
    assert AuditEntry.objects.filter(action="recognition.created").count() == 1
    audits = AuditEntry.objects.count()
    assert demo._seed_recognition() is None
    assert ResultRecognition.objects.count() == 1 and AuditEntry.objects.count() == audits

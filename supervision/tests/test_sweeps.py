"""Daily sweeps: each finding raised once (dedupe keys), whatever the number of runs."""
from datetime import date, timedelta

import pytest
from django.utils import timezone

from jiujiang_inspect.models import Alert
from subjects.tests.factories import InspectorFactory
from supervision.services.sweeps import daily_sweeps_run
from supervision.tasks import daily_sweeps_run_task

from .factories import CheckCodeFactory, EvaluationFactory, PlanFactory, RectificationFactory

pytestmark = pytest.mark.django_db
TODAY = date(2025, 4, 10)


def kinds():
    return sorted(Alert.objects.values_list("kind", flat=True))


def test_certificates_expiring_within_30_days_one_alert_per_agency(agency_a):
    for days in (5, 29, 31):
        i = InspectorFactory(agency=agency_a)
        i.certificate.valid_from, i.certificate.valid_until = date(2024, 1, 1), TODAY + timedelta(days=days)
        i.certificate.save()
    daily_sweeps_run(today=TODAY)
    alert = Alert.objects.get(kind="sweep.certificate_expiring")
    assert alert.agency == agency_a and "2名" in alert.title


def test_plans_not_filed_by_31_march(agency_a, agency_b):
    from plans.tests.factories import MatterFactory

    MatterFactory(agency=agency_a)
    MatterFactory(agency=agency_b)
    PlanFactory(year=2025, lead_agency=agency_b, status="filed")
    daily_sweeps_run(today=date(2025, 3, 31))
    assert "sweep.plan_not_filed" not in kinds()
    daily_sweeps_run(today=date(2025, 4, 1))
    assert list(Alert.objects.filter(kind="sweep.plan_not_filed").values_list("agency__code", flat=True)) == ["SCJG"]


def test_code_never_shown_after_its_window(agency_a):
    end = timezone.make_aware(timezone.datetime(2025, 4, 8, 18, 0))
    CheckCodeFactory(inspection__initiating_agency=agency_a, valid_until=end)
    CheckCodeFactory(inspection__initiating_agency=agency_a, valid_until=end, first_shown_at=end, status="shown")
    daily_sweeps_run(today=TODAY)
    assert kinds().count("checkcode_unshown") == 1


def test_rectification_reminder_three_days_before_and_alert_when_overdue(agency_a):
    RectificationFactory(deadline=TODAY + timedelta(days=3), result__inspection__initiating_agency=agency_a)
    RectificationFactory(deadline=TODAY + timedelta(days=4))
    RectificationFactory(deadline=TODAY - timedelta(days=1))
    RectificationFactory(deadline=TODAY - timedelta(days=1), status="verified")
    daily_sweeps_run(today=TODAY)
    assert kinds() == ["rectification_due", "rectification_overdue"]


def test_running_the_sweeps_twice_raises_nothing_new(agency_a):
    RectificationFactory(deadline=TODAY - timedelta(days=2))
    EvaluationFactory(rating=1)
    first = daily_sweeps_run(today=TODAY)
    n = Alert.objects.count()
    second = daily_sweeps_run_task(TODAY.isoformat())
    assert Alert.objects.count() == n and first.pk == second

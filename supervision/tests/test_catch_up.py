"""Scheduled runs lost with the broker run late, once (issue 10: beat's message for the monthly audit or
the daily sweeps is lost when Redis is down at 02:00 on the 1st or at 06:30, and beat never re-sends)."""
from datetime import datetime

import pytest
from django.utils import timezone

from supervision.models import JobRun
from supervision.services.catch_up import missed_runs_catch_up
from supervision.tests.factories import EnterpriseFactory

pytestmark = pytest.mark.django_db


def at(*args):
    return timezone.make_aware(datetime(*args))


def test_a_missed_audit_and_missed_sweeps_run_once_when_due():
    EnterpriseFactory()
    assert missed_runs_catch_up(now=at(2025, 3, 5, 10, 0)) == ["frequency_audit 2025-02", "daily_sweeps 2025-03-05"]
    runs = {(r.kind, r.period): r.status for r in JobRun.objects.all()}
    assert runs == {("frequency_audit", "2025-02"): "succeeded", ("daily_sweeps", "2025-03-05"): "succeeded"}
    assert missed_runs_catch_up(now=at(2025, 3, 5, 11, 0)) == []  # once
    assert JobRun.objects.count() == 2


def test_nothing_runs_before_its_time_and_grace():
    # 02:20 on the 1st: beat's 02:00 audit may still be on its way; the sweeps are not due until 06:30.
    assert missed_runs_catch_up(now=at(2025, 3, 1, 2, 20)) == []
    assert missed_runs_catch_up(now=at(2025, 3, 1, 2, 31)) == ["frequency_audit 2025-02"]
    assert missed_runs_catch_up(now=at(2025, 3, 1, 6, 50)) == []
    assert missed_runs_catch_up(now=at(2025, 3, 1, 7, 1)) == ["daily_sweeps 2025-03-01"]


def test_a_failed_run_is_left_for_the_reviewer_not_repeated():
    JobRun.objects.create(kind="frequency_audit", period="2025-02", status=JobRun.Status.FAILED, error="x")
    JobRun.objects.create(kind="daily_sweeps", period="2025-03-05", status=JobRun.Status.SUCCEEDED)
    assert missed_runs_catch_up(now=at(2025, 3, 5, 10, 0)) == []
    assert JobRun.objects.get(kind="frequency_audit").status == "failed"


def test_the_catch_up_is_on_the_beat_schedule():
    from django.conf import settings

    entry = settings.CELERY_BEAT_SCHEDULE["scheduled-runs-catch-up"]
    assert entry["task"] == "supervision.tasks.scheduled_runs_catch_up_task"
    from supervision.tasks import scheduled_runs_catch_up_task

    assert scheduled_runs_catch_up_task.name == entry["task"]

"""The audit through a real Celery worker on Redis, and two deliveries at once on PostgreSQL."""
import threading
from datetime import date

import pytest
from django.db import connection

from jiujiang_inspect.testing import require_postgres
from plans.models import Block
from plans.selectors.blocks import blocks_applying_to
from supervision.models import JobRun

from .factories import EnterpriseFactory, InspectionFactory, ensure_cap_policies


def _history(agency_a):
    ensure_cap_policies()
    ent = EnterpriseFactory()
    for d in (3, 10, 17):
        InspectionFactory(enterprise=ent, initiating_agency=agency_a, kind="triggered", date=date(2025, 3, d))
    return ent


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_audit_runs_through_a_real_celery_worker_on_redis(agency_a, celery_worker_real):
    """GIVEN three triggered visits by one agency in March (> 2 same agency)
    WHEN the audit task is sent to Redis and a real worker runs it
    THEN the run succeeded and the block stops issuance for that agency."""
    require_postgres()
    from jiujiang_inspect.celery import app
    from supervision.tasks import frequency_audit_run_task

    ent = _history(agency_a)
    # With CELERY_-namespaced settings Celery reads the upper-case key first, so the fixture's
    # lower-case `task_always_eager = False` alone does not take effect: switch the key it reads.
    previous = app.conf.CELERY_TASK_ALWAYS_EAGER
    app.conf.CELERY_TASK_ALWAYS_EAGER = False
    try:
        assert not app.conf.task_always_eager
        result = frequency_audit_run_task.delay("2025-03")
        run_id = result.get(timeout=60)
    finally:
        app.conf.CELERY_TASK_ALWAYS_EAGER = previous
    assert result.id and result.state == "SUCCESS"  # went through the broker and the worker
    run = JobRun.objects.get(pk=run_id)
    assert run.status == JobRun.Status.SUCCEEDED and run.period == "2025-03"
    assert blocks_applying_to(enterprise=ent, agencies=[agency_a], on_date=date(2025, 4, 2)).count() == 1


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_two_deliveries_at_once_write_the_findings_once(agency_a):
    """The broker delivers the same audit twice at the same moment: one run row, one block."""
    require_postgres()
    from supervision.services.audit import frequency_audit_run

    ent = _history(agency_a)
    barrier = threading.Barrier(2)
    errors = []

    def deliver():
        try:
            barrier.wait()
            frequency_audit_run(month="2025-03")
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=deliver) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert JobRun.objects.filter(period="2025-03").count() == 1
    assert Block.objects.filter(enterprise=ent, status="active").count() == 1

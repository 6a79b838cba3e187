"""A batch of 行政检查文书 in a real Celery worker (issue 16, docs/documents.md "Where people see them"):
the request returns at once with the job page, the worker issues every kind the data allows, the bar
reaches 100%, and running the job again issues nothing twice. Needs Redis (and runs on PostgreSQL in CI)."""
import time

import pytest
from django.urls import reverse

from checkcode.models import IssuedDocument
from jiujiang_inspect.jobs import job_run
from jiujiang_inspect.models import BackgroundJob

from .factories import documented_inspection


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_a_batch_runs_in_a_real_worker_once(celery_worker_real, client, alice, agency_a, fake_pdf):
    insp = documented_inspection(agency=agency_a)
    client.force_login(alice)
    r = client.post(reverse("checkcode:documents_batch", args=[insp.pk]))
    job = BackgroundJob.objects.get()
    assert r.status_code == 302 and r["Location"] == reverse("job_status", args=[job.pk])
    deadline = time.time() + 60
    while time.time() < deadline:
        job.refresh_from_db()
        if job.status in ("succeeded", "failed"):
            break
        time.sleep(0.2)
    assert job.status == "succeeded", job.message
    assert job.percent == 100 and IssuedDocument.objects.filter(inspection=insp).count() == 9
    numbers = set(IssuedDocument.objects.values_list("number", flat=True))
    BackgroundJob.objects.filter(pk=job.pk).update(status="queued")
    job_run(job.pk)  # the broker delivering the same job again issues nothing new
    assert set(IssuedDocument.objects.values_list("number", flat=True)) == numbers

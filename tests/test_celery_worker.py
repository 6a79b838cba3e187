"""Long work leaves the request: a real worker on Redis picks up a background job."""
import io
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from jiujiang_inspect.models import BackgroundJob
from subjects.models import Inspector
from subjects.tests.test_imports import row, xlsx


@pytest.mark.django_db(transaction=True)
def test_inspector_import_runs_in_a_real_worker_and_reports_progress(celery_worker_real, client, anna):
    """GIVEN a worker consuming from Redis
    WHEN an admin uploads a good inspector file
    THEN the request returns at once with a job page, and the worker imports every row."""
    client.force_login(anna)
    upload = SimpleUploadedFile("人员.xlsx", xlsx([row(i, name=f"人员{i}") for i in range(1, 4)]).read())
    r = client.post("/subjects/inspectors/import/", {"file": upload})
    job = BackgroundJob.objects.get()
    assert r.status_code == 302
    deadline = time.time() + 30
    while time.time() < deadline:
        job.refresh_from_db()
        if job.status in ("succeeded", "failed"):
            break
        time.sleep(0.2)
    assert job.status == "succeeded", job.message
    assert job.percent == 100 and Inspector.objects.filter(agency=anna.agency).count() == 3
    assert "新增 3 人" in client.get(f"/jobs/{job.pk}/").content.decode()


@pytest.mark.django_db(transaction=True)
def test_a_redelivered_job_runs_once(celery_worker_real, anna):
    from jiujiang_inspect.jobs import job_run

    job = BackgroundJob.objects.create(kind="subjects.imports.inspectors_import", created_by=anna)
    job.file.save("a.xlsx", io.BytesIO(xlsx([row(1)]).read()))
    job_run(job.pk)
    job_run(job.pk)  # the broker delivering the same task again must not import twice
    assert Inspector.objects.count() == 1
    assert BackgroundJob.objects.get(pk=job.pk).status == "succeeded"

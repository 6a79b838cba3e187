from celery import shared_task


@shared_task(acks_late=True)
def background_job_run_task(job_id: int) -> int:
    from .jobs import job_run

    return job_run(job_id)

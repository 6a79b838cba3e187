"""Celery wiring. The beat schedule lives in settings (CELERY_BEAT_SCHEDULE), not in a database."""
import os

from celery import Celery
from celery.signals import heartbeat_sent

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jiujiang_inspect.settings")

app = Celery("jiujiang_inspect")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@heartbeat_sent.connect
def _worker_heartbeat(sender=None, **kwargs):
    """Every worker heartbeat (Celery sends one every 2 s) leaves a timestamp for /healthz."""
    from .health import worker_heartbeat_record

    worker_heartbeat_record(hostname=getattr(getattr(sender, "eventer", None), "hostname", "") or "worker")

"""Celery wiring. The beat schedule lives in settings (CELERY_BEAT_SCHEDULE), not in a database."""
import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jiujiang_inspect.settings")

app = Celery("jiujiang_inspect")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

"""Celery tasks of the 检查码 (docs/style.md "Celery": take ids or nothing, call one service, return a
result). Schedule (settings.CELERY_BEAT_SCHEDULE, owned by the lead): `rectification_sweep_task`
daily at 07:00 Asia/Shanghai; `checkcode_sweep_unshown_task` every hour."""
from celery import shared_task


@shared_task
def rectification_sweep_task(today: str | None = None) -> dict:
    """Reminders 3 days before a 整改 deadline; overdue → Alert."""
    from datetime import date

    from django.utils import timezone

    from .services import rectification_sweep

    return rectification_sweep(today=date.fromisoformat(today) if today else timezone.localdate())


@shared_task
def checkcode_sweep_unshown_task() -> int:
    """Codes never shown by the end of their window → expired + Alert."""
    from .services import checkcode_sweep_unshown

    return checkcode_sweep_unshown()

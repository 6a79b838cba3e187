"""What each role sees first (UI.md). Each function gathers counts through the apps' selectors."""
from datetime import timedelta

from django.utils import timezone

from subjects import selectors as subject_selectors


def inspector_home_context(*, user):
    today = timezone.localdate()
    inspector = getattr(user, "inspector", None)
    return {
        "today": today,
        "inspector": inspector,
        "certificate": getattr(inspector, "certificate", None) if inspector else None,
    }


def agency_admin_home_context(*, user):
    today = timezone.localdate()
    expiring = subject_selectors.certificates_expiring(agency=user.agency, within_days=30, today=today)
    return {"today": today, "expiring_certificates": expiring, "agency": user.agency,
            "week_end": today + timedelta(days=7)}


def reviewer_home_context(*, user):
    today = timezone.localdate()
    return {"today": today,
            "expiring_certificates_count": subject_selectors.certificates_expiring(
                agency=None, within_days=30, today=today).count()}

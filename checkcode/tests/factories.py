"""Factories for checkcode tests: an approved, gate-clean on-site inspection and its code."""
from plans.tests.factories import make_inspection  # noqa: F401


def approved_inspection(**kwargs):
    kwargs.setdefault("status", "approved")
    return make_inspection(**kwargs)

"""The demo seed: does nothing on empty tables, fills every state once data exists, idempotent."""
import pytest

from checkcode import demo
from checkcode.models import CheckCode
from plans.models import Inspection
from plans.tests.factories import EnterpriseFactory, MatterFactory, team

pytestmark = pytest.mark.django_db


def test_demo_tolerates_empty_tables():
    assert demo.seed() == 0


def test_demo_fills_states_and_is_idempotent(alice, bob, agency_a, agency_b):
    for ag in (agency_a, agency_b):
        team(ag, 3)
        MatterFactory(agency=ag)
    for _ in range(60):
        EnterpriseFactory()
    assert demo.seed() > 40
    assert demo.seed() == 0
    statuses = set(Inspection.objects.values_list("status", flat=True))
    assert {"draft", "approved", "code_issued", "result_recorded", "closed", "cancelled", "merged"} <= statuses
    assert {"issued", "shown", "completed", "closed", "expired", "revoked"} <= set(
        CheckCode.objects.values_list("status", flat=True))

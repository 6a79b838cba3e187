"""manage.py generate_load (issue 13): deterministic, valid identifiers, distributions that respect the
rules, at a tiny size so the test stays fast."""
from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.db.models import Count

from checkcode.models import CheckCode, Evaluation
from plans.models import Enterprise, Inspection, Participation
from plans.selectors import counting
from subjects.validators import uscc_checksum_ok

pytestmark = pytest.mark.django_db

TODAY = date(2026, 6, 15)


def _generate(seed=7):
    call_command("generate_load", "--seed", str(seed), "--enterprises", "300", "--inspections", "1500",
                 "--today", TODAY.isoformat(), stdout=StringIO())


def _fingerprint():
    return (list(Enterprise.objects.order_by("id").values_list("uscc", "town", "pool", "credit_class")),
            list(Inspection.objects.order_by("id").values_list("enterprise__uscc", "date", "kind", "mode", "status",
                                                               "outcome")),
            list(CheckCode.objects.order_by("id").values_list("code", flat=True)))


def test_generated_load_is_valid_and_realistic():
    _generate()
    assert Enterprise.objects.count() == 300 and Inspection.objects.count() == 1500
    assert all(uscc_checksum_ok(u) for u in Enterprise.objects.values_list("uscc", flat=True))
    years = {d.year for d in Inspection.objects.values_list("date", flat=True)}
    assert years == set(range(TODAY.year - 4, TODAY.year + 1))
    n = Inspection.objects.count()
    joint = counting.with_joint(Inspection.objects.all()).filter(joint=True).count()
    triggered = Inspection.objects.filter(kind="triggered").count()
    assert 0.2 < joint / n < 0.4 and 0.15 < triggered / n < 0.25
    # Every lead participation exists; on-site slots never exceed the pool's yearly cap.
    assert Participation.objects.filter(is_lead=True).count() == n
    caps = {"whitelist": 1, "joint": 2, "non_joint": 2, "key": 6}
    for row in (counting.counted().filter(slot_year__isnull=False, counts_toward_cap=True)
                .values("enterprise_id", "enterprise__pool", "slot_year").annotate(n=Count("id"))):
        assert row["n"] <= caps[row["enterprise__pool"]]
    assert CheckCode.objects.filter(is_late=True).exists()
    assert not Inspection.objects.filter(mode="onsite", status="closed", check_codes__isnull=True).exists()


def test_same_seed_same_rows():
    prints = []
    for _ in range(2):
        with transaction.atomic():
            _generate(seed=11)
            prints.append(_fingerprint())
            transaction.set_rollback(True)
    assert prints[0] == prints[1] and len(prints[0][1]) == 1500


def test_refuses_a_database_with_inspections():
    _generate()
    with pytest.raises(Exception, match="已有检查任务"):
        call_command("generate_load", "--enterprises", "10", "--inspections", "10", stdout=StringIO())


def test_no_change_is_stamped_in_the_future():
    """Generated on the morning of TODAY, rows touched "today at 16:00" or on days ahead (evaluations two
    days after the visit) would carry a change time in the future, which the dashboard rollups' high-water mark reads as the newest change
    (and then misses every real one before it): they are stamped now at the latest."""
    from datetime import datetime

    import time_machine
    from django.utils import timezone

    from plans.models import TriggeredFiling

    with time_machine.travel(timezone.make_aware(datetime.combine(TODAY, datetime.min.time().replace(hour=8))),
                             tick=False):
        _generate()
        now = timezone.now()
    for model in (Inspection, CheckCode, TriggeredFiling, Enterprise):
        assert not model.objects.filter(updated_at__gt=now).exists(), model
    for model in (Inspection, Evaluation, Enterprise):
        assert not model.objects.filter(created_at__gt=now).exists(), model

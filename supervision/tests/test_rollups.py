"""The dashboard rollups (issue 13) give exactly the raw computation's figures, on random data, after a
full build and after incremental refreshes (a date moved to another month, an approval sent back to
draft, a firm moved town, a code shown, an evaluation added, a filing withdrawn or filed for another
month); and they are refreshed before a read."""
import random
from datetime import date, timedelta

import pytest
from django.utils import timezone

from plans.models import Enterprise, Inspection, TriggeredFiling
from subjects.tests.factories import AgencyFactory
from supervision.models import MonthlyRollup, RollupState
from supervision.selectors.stats import StatsFilter, overview
from supervision.services import rollups

from .factories import CheckCodeFactory, EnterpriseFactory, EvaluationFactory, InspectionFactory

pytestmark = pytest.mark.django_db

TOWNS = ["wanli", "erba", "guandou"]
STATUSES = ["draft", "approved", "code_issued", "result_recorded", "closed", "cancelled"]


def random_history(rnd, agencies, n=60):
    ents = [EnterpriseFactory(town=rnd.choice(TOWNS), pool=rnd.choice(["joint", "key", "whitelist"]))
            for _ in range(12)]
    made = []
    for _ in range(n):
        lead = rnd.choice(agencies)
        others = rnd.sample([a for a in agencies if a != lead], k=rnd.choice([0, 0, 1, 2]))
        insp = InspectionFactory(
            enterprise=rnd.choice(ents), initiating_agency=lead, agencies=[lead, *others],
            kind=rnd.choice(["planned", "planned", "triggered", "special"]), mode=rnd.choice(["onsite", "document"]),
            status=rnd.choice(STATUSES), outcome=rnd.choice(["", "no_issue", "rectification", "case_transferred"]),
            date=date(2024, 1, 1) + timedelta(days=rnd.randrange(730)))
        for _k in range(rnd.choice([0, 1, 1, 2])):
            code = CheckCodeFactory(inspection=insp, status="closed", is_late=rnd.random() < 0.2,
                                    first_shown_at=timezone.now() if rnd.random() < 0.7 else None)
            if rnd.random() < 0.5:
                EvaluationFactory(check_code=code, rating=rnd.randint(1, 5))
        made.append(insp)
    return ents, made


def filters(agencies):
    yield StatsFilter(year=2025)
    yield StatsFilter(year=2024)
    yield StatsFilter(year=2025, month=3)
    yield StatsFilter(year=2025, month=12)
    yield StatsFilter(year=2025, town="erba")
    for a in agencies:
        yield StatsFilter(year=2025, agency_id=a.pk)
        yield StatsFilter(year=2025, agency_id=a.pk, town="wanli", month=3)


def assert_same(agencies):
    for f in filters(agencies):
        assert overview(f=f, source="rollup") == overview(f=f, source="raw"), f


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_rollups_equal_the_raw_figures_on_random_data(seed, monkeypatch):
    rnd = random.Random(seed)
    agencies = [AgencyFactory() for _ in range(4)]
    ents, made = random_history(rnd, agencies)
    assert rollups.rollup_refresh()["full"] is True
    assert 0 < MonthlyRollup.objects.count() <= 24 * len(TOWNS)
    assert_same(agencies)

    # Incremental: only the months touched are recomputed (no lag, so the ledger must find the old months).
    monkeypatch.setattr(rollups, "LAG", timedelta(0))
    counted = [i for i in made if i.status in ("approved", "code_issued", "result_recorded", "closed")]
    moved, sent_back = counted[0], counted[1]
    Inspection.objects.filter(pk=moved.pk).update(date=moved.date.replace(day=1) - timedelta(days=40),
                                                  updated_at=timezone.now())
    sent_back.status = "draft"
    sent_back.save()
    firm = ents[0]
    firm.town = "guandou" if firm.town != "guandou" else "wanli"
    firm.save()
    EvaluationFactory(check_code=CheckCodeFactory(inspection=counted[2]), rating=1)
    # A filing withdrawn, another filed again for a month of the other year (its old month must drop it).
    withdrawn, refiled = TriggeredFiling.objects.filter(status="filed").order_by("id")[:2]
    withdrawn.status = "withdrawn"
    withdrawn.save()
    refiled.month = "2024-02" if refiled.month.startswith("2025") else "2025-11"
    refiled.save()
    result = rollups.rollup_refresh()
    assert result["full"] is False and result["months"] >= 2
    assert_same(agencies)


def test_a_read_refreshes_stale_rollups_and_a_fresh_read_does_not_rebuild():
    agency = AgencyFactory()
    InspectionFactory(initiating_agency=agency, date=date(2025, 5, 5))
    assert overview(f=StatsFilter(year=2025))["inspections"]["total"] == 1
    mark = RollupState.objects.get().high_water
    InspectionFactory(initiating_agency=agency, date=date(2025, 6, 6))
    assert overview(f=StatsFilter(year=2025))["inspections"]["total"] == 2
    assert RollupState.objects.get().high_water > mark
    assert rollups.rollup_refresh()["skipped"] is True


def test_industry_filter_reads_the_raw_rows():
    agency = AgencyFactory()
    InspectionFactory(initiating_agency=agency, date=date(2025, 5, 5))
    o = overview(f=StatsFilter(year=2025, industry_id=999999))
    assert o["inspections"]["total"] == 0 and not RollupState.objects.filter(high_water__isnull=False).exists()


def test_a_read_within_the_max_age_serves_the_rollups_as_they_are(settings):
    settings.ROLLUP_READ_MAX_AGE = 60
    agency = AgencyFactory()
    InspectionFactory(initiating_agency=agency, date=date(2025, 5, 5))
    assert overview(f=StatsFilter(year=2025))["inspections"]["total"] == 1
    InspectionFactory(initiating_agency=agency, date=date(2025, 6, 6))
    assert overview(f=StatsFilter(year=2025))["inspections"]["total"] == 1  # refreshed a moment ago
    rollups.rollup_refresh()  # what beat does every minute
    assert overview(f=StatsFilter(year=2025))["inspections"]["total"] == 2


def test_a_row_stamped_in_the_future_does_not_hide_later_changes():
    """A row whose change time is ahead of the clock (skew, a bulk load) must not freeze the high-water
    mark there: a change made now is still added up by the next refresh."""
    agency = AgencyFactory()
    year = timezone.localdate().year
    ahead = InspectionFactory(initiating_agency=agency, date=date(year, 1, 10))
    Inspection.objects.filter(pk=ahead.pk).update(updated_at=timezone.now() + timedelta(days=3))
    rollups.rollup_refresh()
    assert RollupState.objects.get(pk=1).high_water <= timezone.now()
    InspectionFactory(initiating_agency=agency, date=date(year, 1, 11))
    rollups.rollup_refresh()
    assert sum(MonthlyRollup.objects.filter(month=date(year, 1, 1)).values_list("total", flat=True)) == 2


def test_after_a_full_rebuild_old_changes_do_not_recompute_every_month():
    """A bulk load leaves rows changed long before the rebuild that counted them (issue 13: at city scale
    the next refresh recomputed all 60 months, ~9 minutes, because the mark stayed at the load's start):
    after a rebuild only what changes later is recomputed."""
    agency = AgencyFactory()
    firms = [EnterpriseFactory() for _ in range(3)]
    for k, firm in enumerate(firms):
        InspectionFactory(initiating_agency=agency, enterprise=firm, date=date(2024, k + 1, 5))
    long_ago = timezone.now() - timedelta(minutes=30)
    Inspection.objects.update(updated_at=long_ago)
    Enterprise.objects.update(updated_at=long_ago)
    rollups.rollup_refresh(full=True)
    InspectionFactory(initiating_agency=agency, enterprise=firms[0], date=date(2024, 6, 6))
    assert rollups.rollup_refresh()["months"] == 1
    assert sum(MonthlyRollup.objects.filter(month=date(2024, 6, 1)).values_list("total", flat=True)) == 1

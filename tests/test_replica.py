"""The read replica (issue 13; docs/scaling.md "Streaming replicas"; jiujiang_inspect.db_routing).

Against a real streaming replica of the test database (`.ci/replica start`, DATABASE_REPLICA_URL):
lists and the dashboard are served by the replica while every rule check reads the primary. Replay on
the replica is paused for the middle of the test, so the replica is measurably behind: a 检查码 issued
a moment earlier is missing from the lists and the dashboard (served by the replica), yet a second
agency is refused the enterprise's only slot (the gates read the primary under the enterprise lock).
Skipped without DATABASE_REPLICA_URL, failed instead under REQUIRE_SERVICES=1; the main PostgreSQL
suite deselects it (`-m "not replica"`) and .ci/run runs it in its own step with the replica.
"""
import time

import pytest
from django.conf import settings
from django.db import connections
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from jiujiang_inspect.testing import REQUIRE_SERVICES, api_client_for, require_postgres

pytestmark = [pytest.mark.services, pytest.mark.replica]
HAS_REPLICA = "replica" in settings.DATABASES


def _require_replica():
    require_postgres()
    if "replica" not in connections.settings:
        if REQUIRE_SERVICES:
            pytest.fail("REQUIRE_SERVICES=1 but DATABASE_REPLICA_URL is not set (.ci/replica start), "
                        "or deselect the test with -m 'not replica'")
        pytest.skip("needs a streaming replica (set DATABASE_REPLICA_URL; .ci/replica start)")


def _one(alias, sql):
    with connections[alias].cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchone()[0]


def _wait_replayed(timeout=30):
    """Until the replica has replayed everything the primary has written so far."""
    target = _one("default", "select pg_current_wal_lsn()")
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if _one("replica", f"select pg_last_wal_replay_lsn() >= '{target}'::pg_lsn"):
            return
        time.sleep(0.05)
    pytest.fail("the replica did not catch up with the primary")


def _tables(ctx):
    return " ".join(q["sql"] for q in ctx.captured_queries)


# The alias exists only with DATABASE_REPLICA_URL; without it the test skips (or fails) in its body.
@pytest.mark.django_db(transaction=True, databases=["default", "replica"] if HAS_REPLICA else ["default"])
def test_lists_and_dashboard_read_the_replica_while_the_cap_is_checked_on_the_primary(
        alice, bob, rita, agency_a, agency_b):
    _require_replica()
    from checkcode.tests.factories import approved_inspection
    from plans.models import CapPolicy
    from plans.tests.factories import EnterpriseFactory

    assert _one("replica", "select pg_is_in_recovery()") is True  # a standby, not the primary again
    assert _one("default", "select pg_is_in_recovery()") is False
    CapPolicy.objects.update_or_create(pool="whitelist", defaults={"yearly_onsite_cap": 1})
    ent = EnterpriseFactory(pool="whitelist")
    first = approved_inspection(agency=agency_a, enterprise=ent)
    second = approved_inspection(agency=agency_b, enterprise=ent)
    _wait_replayed()

    _one("replica", "select pg_wal_replay_pause()::text")  # from here the replica lags the primary
    try:
        issued = api_client_for(alice).post(f"/api/v1/inspections/{first.pk}/check-code/")
        assert issued.status_code == 201, issued.content
        # The enterprise's only slot is taken on the primary: the gates see it at once.
        refused = api_client_for(bob).post(f"/api/v1/inspections/{second.pk}/check-code/")
        assert refused.status_code == 409 and refused.json()["code"] == "enterprise_over_yearly_cap"

        reviewer = api_client_for(rita)
        with CaptureQueriesContext(connections["replica"]) as on_replica, \
                CaptureQueriesContext(connections["default"]) as on_primary:
            listed = reviewer.get("/api/v1/inspections/", {"enterprise": ent.uscc})
            overview = reviewer.get("/api/v1/stats/overview/")
        assert listed.status_code == 200 and overview.status_code == 200
        rows = {r["id"]: r["status"] for r in listed.json()["results"]}
        assert rows[first.pk] == "approved"  # the replica has not replayed the issue yet
        assert overview.json()["codes"]["issued"] == 0
        assert "plans_inspection" in _tables(on_replica)
        assert "plans_inspection" not in _tables(on_primary)  # the primary only authenticated

        page = api_client_for(rita)
        page.force_login(rita)
        with CaptureQueriesContext(connections["replica"]) as on_replica:
            dashboard = page.get(reverse("supervision:dashboard"))
            inspections = page.get(reverse("plans:inspection_list"))
        assert dashboard.status_code == 200 and inspections.status_code == 200
        assert "plans_inspection" in _tables(on_replica)
    finally:
        _one("replica", "select pg_wal_replay_resume()::text")

    _wait_replayed()
    listed = api_client_for(rita).get("/api/v1/inspections/", {"enterprise": ent.uscc})
    assert {r["id"]: r["status"] for r in listed.json()["results"]}[first.pk] == "code_issued"

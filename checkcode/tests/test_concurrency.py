"""The last slot under load (docs/domain.md "Frequency rules" 5): an enterprise with ONE slot left, 20
agencies asking at the same moment, exactly one code. PostgreSQL only (real row locks)."""
import json
import threading
import urllib.error
import urllib.request
from datetime import date, timedelta

import pytest
from django.db import connection

from checkcode.models import CheckCode
from jiujiang_inspect.exceptions import RuleViolations
from jiujiang_inspect.testing import require_postgres
from plans.models import CapPolicy, FrequencyPolicy, GateRefusal
from plans.tests.factories import EnterpriseFactory, inspector_user_of
from subjects.tests.factories import AgencyFactory

from .factories import approved_inspection

N = 20


def _one_slot_left(n):
    """A key-pool enterprise with cap 3, two slots already used: one left; n approved inspections of
    n different agencies, each with an inspector account."""
    CapPolicy.objects.update_or_create(pool="key", defaults={"yearly_onsite_cap": 3})
    FrequencyPolicy.current()
    ent = EnterpriseFactory(pool="key")
    day = date.today() + timedelta(days=1)
    for _ in range(2):
        approved_inspection(agency=AgencyFactory(), enterprise=ent, day=day, status="closed", slot_year=day.year)
    pairs = []
    for _ in range(n):
        agency = AgencyFactory()
        pairs.append((approved_inspection(agency=agency, enterprise=ent, day=day), inspector_user_of(agency)))
    return ent, pairs


def _fire(targets):
    barrier = threading.Barrier(len(targets))
    out, lock = [], threading.Lock()

    def run(fn):
        try:
            barrier.wait()
            res = fn()
        except Exception as exc:  # noqa: BLE001 - collected and asserted below
            res = exc
        finally:
            connection.close()
        with lock:
            out.append(res)

    threads = [threading.Thread(target=run, args=(fn,)) for fn in targets]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return out


@pytest.mark.django_db(transaction=True)
def test_twenty_threads_through_the_service_get_exactly_one_code():
    require_postgres()
    from checkcode.services import checkcode_issue

    ent, pairs = _one_slot_left(N)
    results = _fire([lambda i=i, u=u: checkcode_issue(inspection=i, issued_by=u) for i, u in pairs])
    codes = [r for r in results if isinstance(r, CheckCode)]
    refused = [r for r in results if isinstance(r, RuleViolations)]
    assert len(codes) == 1, results
    assert len(refused) == N - 1 and {r.code for r in refused} == {"enterprise_over_yearly_cap"}
    assert CheckCode.objects.filter(inspection__enterprise=ent).count() == 1
    assert GateRefusal.objects.filter(inspection__enterprise=ent, stage="issue").count() == N - 1


@pytest.mark.django_db(transaction=True)
def test_twenty_http_requests_against_a_live_server_get_exactly_one_code(live_server):
    require_postgres()
    from jiujiang_inspect.tokens import api_token_create

    ent, pairs = _one_slot_left(N)
    calls = []
    for insp, user in pairs:
        _t, key = api_token_create(user=user, name="burst")
        req = urllib.request.Request(f"{live_server.url}/api/v1/inspections/{insp.pk}/check-code/", method="POST",
                                     headers={"Authorization": f"Bearer {key}", "Content-Type": "application/json"},
                                     data=b"{}")

        def call(req=req):
            try:
                with urllib.request.urlopen(req, timeout=60) as resp:
                    return resp.status, json.loads(resp.read())
            except urllib.error.HTTPError as err:
                return err.code, json.loads(err.read())

        calls.append(call)
    results = _fire(calls)
    statuses = sorted(r[0] for r in results if isinstance(r, tuple))
    assert statuses == [201] + [409] * (N - 1), results
    assert {r[1]["code"] for r in results if r[0] == 409} == {"enterprise_over_yearly_cap"}
    assert CheckCode.objects.filter(inspection__enterprise=ent).count() == 1

"""Benchmark: queries and milliseconds per 检查码 issuance (issue 13), service and API.

Builds N approved on-site inspections of N enterprises (a mix: special single-agency, joint with two
agencies, triggered), each enterprise with some history (closed inspections with results, so the cap,
triggered and low-efficiency counts read real rows), then issues every code twice over:
- service: `checkcode_issue` called directly (the gates under the enterprise lock, the writes);
- API: POST /api/v1/inspections/{id}/check-code/ through the Django test client (auth, lookup, service,
  serializer).
Prints the queries per code (min/median/max), the median / p95 wall milliseconds per code and the
median CPU milliseconds of this process per code (Python; steadier than wall time on a shared machine).

Uses a throwaway test database (SQLite in memory unless DATABASE_URL is set, then `test_<name>`).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/jj_x .venv/bin/python bench/issuance_queries.py [--n 200]
"""
import argparse
import os
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jiujiang_inspect.test_settings")

import django  # noqa: E402

django.setup()

from django.test.utils import setup_test_environment  # noqa: E402


def _setup(n):
    from plans.models import CapPolicy, FrequencyPolicy, Inspection
    from plans.tests.factories import EnterpriseFactory, MatterFactory, make_inspection, team
    from subjects.tests.factories import AgencyFactory, UserFactory

    for pool, cap in (("joint", 4), ("key", 6), ("whitelist", 2), ("non_joint", 4)):
        CapPolicy.objects.update_or_create(pool=pool, defaults={"yearly_onsite_cap": cap})
    FrequencyPolicy.current()
    lead, other = AgencyFactory(code="SCJG"), AgencyFactory(code="YJGL")
    people = team(lead, 2)
    matter = MatterFactory(agency=lead)
    user = UserFactory(username="bench", role="inspector", agency=lead, inspector=people[0])
    day = date.today() + timedelta(days=1)
    past = date.today() - timedelta(days=40)
    ids = []
    for k in range(n):
        ent = EnterpriseFactory(pool="joint")
        # History: a closed inspection with a no-finding result by the same inspectors.
        make_inspection(agency=lead, enterprise=ent, inspectors=people, matters=[matter], day=past, status="closed",
                        slot_year=past.year, counts_toward_cap=True, outcome=Inspection.Outcome.NO_ISSUE)
        if k % 4 == 1:
            insp = make_inspection(agency=lead, enterprise=ent, inspectors=people, matters=[matter], day=day, status="approved",
                                   extra_agencies=[other])
        elif k % 4 == 2:
            insp = make_inspection(agency=lead, enterprise=ent, inspectors=people, matters=[matter], day=day, status="approved",
                                   kind="triggered", trigger_source="complaint", trigger_reason="12345 投诉")
        else:
            insp = make_inspection(agency=lead, enterprise=ent, inspectors=people, matters=[matter], day=day, status="approved")
        ids.append(insp.pk)
    return user, ids


def _run(label, ids, issue_one):
    from django.db import connection

    counts, times, cpu = [], [], []
    seen = []

    def count(execute, sql, params, many, context):
        seen.append(sql)
        return execute(sql, params, many, context)

    for pk in ids:
        seen.clear()
        with connection.execute_wrapper(count):
            t0, c0 = time.perf_counter(), time.process_time()
            issue_one(pk)
            times.append((time.perf_counter() - t0) * 1000)
            cpu.append((time.process_time() - c0) * 1000)
        counts.append(len(seen))
    times.sort()
    p95 = times[int(len(times) * 0.95) - 1]
    print(f"{label:8} {len(ids)} codes: queries/code min {min(counts)} median {statistics.median(counts):g} "
          f"max {max(counts)}; ms/code median {statistics.median(times):.2f} p95 {p95:.2f} "
          f"mean {statistics.mean(times):.2f}; Python CPU ms/code median {statistics.median(cpu):.2f}", flush=True)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=200)
    args = parser.parse_args()
    from django.db import connection
    from django.test.runner import DiscoverRunner
    from rest_framework.test import APIClient

    from checkcode.models import CheckCode
    from checkcode.services import checkcode_issue
    from jiujiang_inspect.tokens import api_token_create
    from plans.models import Inspection

    setup_test_environment()
    runner = DiscoverRunner(verbosity=0, interactive=False)  # a leftover test database is replaced
    old = runner.setup_databases()
    try:
        t0 = time.perf_counter()
        user, ids = _setup(2 * args.n)
        print(f"setup: {2 * args.n} approved inspections in {time.perf_counter() - t0:.1f}s ({connection.vendor})",
              flush=True)
        service_ids, api_ids = ids[:args.n], ids[args.n:]
        from django.contrib.auth import get_user_model

        staff = get_user_model().objects.select_related("agency", "inspector").get(pk=user.pk)
        _run("service", service_ids,
             lambda pk: checkcode_issue(inspection=Inspection.objects.get(pk=pk), issued_by=staff))
        _token, key = api_token_create(user=user, name="bench")
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")

        def api(pk):
            res = client.post(f"/api/v1/inspections/{pk}/check-code/")
            assert res.status_code == 201, res.content

        _run("api", api_ids, api)
        assert CheckCode.objects.count() == 2 * args.n
    finally:
        runner.teardown_databases(old)
    return 0


if __name__ == "__main__":
    sys.exit(main())

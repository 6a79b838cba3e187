"""Benchmark: issue 1,000 检查码 through the API (issue 5) and compare with a floor.

Both runs go through the same stack in the same process: Django test client → middleware → DRF →
Bearer-token authentication → view. The floor is a bare endpoint doing ONE indexed query (an
enterprise by uscc); the burst is POST /api/v1/inspections/{id}/check-code/ for 1,000 approved
inspections of 1,000 enterprises (each call locks the enterprise, runs every gate, writes the code and
the audit entries). Prints requests/second for both and the ratio.

Uses a throwaway test database (SQLite in memory unless DATABASE_URL is set, then `test_<name>`).

    .venv/bin/python bench/checkcode_burst.py [--n 1000]
"""
import argparse
import os
import sys
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jiujiang_inspect.test_settings")

import django  # noqa: E402

django.setup()

from django.test.utils import override_settings, setup_test_environment  # noqa: E402
from django.urls import include, path  # noqa: E402
from rest_framework.response import Response  # noqa: E402
from rest_framework.views import APIView  # noqa: E402


class FloorApi(APIView):
    """The floor: same auth and permission stack, one indexed query."""

    def get(self, request, uscc):
        from plans.models import Enterprise

        ent = Enterprise.objects.filter(uscc=uscc).values("uscc", "name").first()
        return Response(ent)


urlpatterns = [
    path("bench/floor/<str:uscc>/", FloorApi.as_view()),
    path("", include("jiujiang_inspect.urls")),
]


def _setup(n):
    from plans.models import CapPolicy, Inspection, Participation
    from plans.tests.factories import EnterpriseFactory, MatterFactory, special_plan_for, team
    from subjects.tests.factories import AgencyFactory, UserFactory

    CapPolicy.objects.update_or_create(pool="joint", defaults={"yearly_onsite_cap": 2})
    agency = AgencyFactory(code="SCJG", name="鸠江区市场监督管理局")
    people = team(agency, 2)
    matter = MatterFactory(agency=agency)
    user = UserFactory(username="bench", role="inspector", agency=agency, inspector=people[0])
    day = date.today() + timedelta(days=1)
    plan = special_plan_for(agency=agency, day=day)  # special inspections run under a published special plan
    ids, usccs = [], []
    for _ in range(n):
        ent = EnterpriseFactory()
        insp = Inspection.objects.create(enterprise=ent, initiating_agency=agency, kind="special", mode="onsite",
                                         date=day, status="approved", plan=plan,
                                         notice_exempt_reason="上级要求不能事先通知")
        part = Participation.objects.create(inspection=insp, agency=agency, is_lead=True)
        part.inspectors.set(people)
        part.matters.set([matter])
        ids.append(insp.pk)
        usccs.append(ent.uscc)
    return user, ids, usccs


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=1000)
    args = parser.parse_args()
    from django.db import connection
    from django.test.runner import DiscoverRunner
    from rest_framework.test import APIClient

    from jiujiang_inspect.tokens import api_token_create

    setup_test_environment()
    runner = DiscoverRunner(verbosity=0)
    old = runner.setup_databases()
    try:
        with override_settings(ROOT_URLCONF=__name__):
            t0 = time.perf_counter()
            user, ids, usccs = _setup(args.n)
            print(f"setup: {args.n} approved inspections in {time.perf_counter() - t0:.1f}s "
                  f"({connection.vendor})", flush=True)
            _token, key = api_token_create(user=user, name="bench")
            client = APIClient()
            client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
            for u in usccs[:20]:  # warm up both paths
                assert client.get(f"/bench/floor/{u}/").status_code == 200
            t0 = time.perf_counter()
            for u in usccs:
                assert client.get(f"/bench/floor/{u}/").status_code == 200
            floor = time.perf_counter() - t0
            t0 = time.perf_counter()
            statuses = {}
            for pk in ids:
                res = client.post(f"/api/v1/inspections/{pk}/check-code/")
                statuses[res.status_code] = statuses.get(res.status_code, 0) + 1
            burst = time.perf_counter() - t0
            from checkcode.models import CheckCode

            issued = CheckCode.objects.count()
            print(f"floor  (GET one indexed query): {args.n} requests in {floor:.2f}s = {args.n / floor:,.0f} req/s")
            print(f"burst  (POST check-code):       {args.n} requests in {burst:.2f}s = {args.n / burst:,.0f} req/s "
                  f"statuses={statuses} codes={issued}")
            print(f"ratio  burst/floor throughput:  {floor / burst:.2f} (each issue ≈ {burst / floor:.1f}× a floor request)")
            ok = statuses.get(201) == args.n and issued == args.n
    finally:
        runner.teardown_databases(old)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

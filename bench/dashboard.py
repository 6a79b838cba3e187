"""Benchmark: the 分析研判 dashboard at city scale (issue 6: "it stays fast at city scale").

Seeds, once, a district-sized history into its own SQLite file under var/ (or the database given by
DATABASE_URL): 30 agencies, 8,000 enterprises, 50,000 inspections over two years (a third joint),
their participations, 检查码, evaluations, triggered filings, blocks and alerts, all with bulk_create.
Then measures, each the median of several runs in the same process:
  floor    — one `SELECT COUNT(*)` of the inspections (the cheapest query on the same stack);
  overview — supervision.selectors.stats.overview(), every figure of the page;
  page     — GET /supervision/dashboard/ rendered for a reviewer (Django test client);
and prints the times, their ratio to the floor and the page's query count.

    .venv/bin/python bench/dashboard.py [--inspections 50000] [--runs 5] [--reseed]
"""
import argparse
import os
import random
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DB = ROOT / "var" / "bench_dashboard.sqlite3"


def _django(reseed: bool):
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jiujiang_inspect.settings")
    # DEBUG on only so templates find static files without collectstatic; queries are few.
    os.environ.setdefault("DEBUG", "1")
    os.environ.setdefault("ALLOWED_HOSTS", "testserver")
    if "DATABASE_URL" not in os.environ:
        if reseed and DB.exists():
            DB.unlink()
        os.environ["DATABASE_URL"] = f"sqlite:///{DB}"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def seed(n_inspections: int):
    from django.db import transaction
    from django.utils import timezone

    from checkcode.models import CheckCode, Evaluation
    from jiujiang_inspect.models import Alert
    from plans.models import Block, Enterprise, Inspection, Participation, TriggeredFiling
    from subjects.models import Agency, User
    from subjects.validators import uscc_check_char

    if Inspection.objects.filter(trigger_reference__startswith="BENCH").exists():
        return False
    rnd = random.Random(20250301)
    this_year = timezone.localdate().year
    with transaction.atomic():
        agencies = [Agency.objects.get_or_create(code=f"BA{i:02d}", defaults={
            "name": f"鸠江区基准测试局{i:02d}", "short_name": f"测试局{i:02d}"})[0] for i in range(30)]
        reviewer, _ = User.objects.get_or_create(username="bench_reviewer", defaults={"role": "reviewer"})
        towns = ["sihe_shan", "yuxikou", "guandou", "wanli", "qingshui", "shenxiang", "erba", "tanggou", "baimao"]
        pools = ["joint"] * 6 + ["whitelist", "key", "non_joint"]
        ents = []
        for n in range(8000):
            first17 = f"91340207BM{n:07d}"
            ents.append(Enterprise(uscc=first17 + uscc_check_char(first17), name=f"芜湖鸠江基准企业{n}有限公司",
                                   town=towns[n % 9], pool=pools[n % 9]))
        Enterprise.objects.bulk_create(ents, batch_size=2000, ignore_conflicts=True)
        ent_ids = list(Enterprise.objects.filter(uscc__contains="BM").values_list("id", flat=True))
        statuses = ["code_issued", "result_recorded", "closed", "closed", "cancelled"]
        inspections = []
        for n in range(n_inspections):
            year = this_year - (n % 2)
            kind = "triggered" if n % 10 == 0 else "planned"
            mode = "onsite" if n % 5 else "document"
            d = date(year, 1, 1) + timedelta(days=rnd.randrange(365))
            status = statuses[n % 5]
            inspections.append(Inspection(
                enterprise_id=rnd.choice(ent_ids), initiating_agency=agencies[n % 30], kind=kind, mode=mode, date=d,
                status=status, outcome=("" if status == "code_issued" else ["no_issue", "no_issue", "rectification"][n % 3]),
                slot_year=year if mode == "onsite" and kind != "triggered" else None,
                counts_toward_cap=kind != "triggered", trigger_source="complaint" if kind == "triggered" else "",
                trigger_reference=f"BENCH-{n}"))
        Inspection.objects.bulk_create(inspections, batch_size=2000)
        rows = list(Inspection.objects.filter(trigger_reference__startswith="BENCH").values_list(
            "id", "initiating_agency_id", "enterprise_id", "kind", "date", "mode"))
        parts, codes, filings = [], [], []
        now = timezone.now()
        for k, (pk, agency_id, ent_id, kind, d, mode) in enumerate(rows):
            parts.append(Participation(inspection_id=pk, agency_id=agency_id, is_lead=True))
            if k % 3 == 0:
                for extra in {(agency_id % 30 + 1) % 30, (agency_id % 30 + 7) % 30}:
                    other = agencies[extra]
                    if other.pk != agency_id:
                        parts.append(Participation(inspection_id=pk, agency_id=other.pk))
            if mode == "onsite":
                codes.append(CheckCode(inspection_id=pk, code=f"BENCH{pk:012d}", valid_from=now, valid_until=now,
                                       issued_by=reviewer, status="closed", is_late=k % 50 == 0,
                                       first_shown_at=now if k % 7 else None))
            if kind == "triggered":
                filings.append(TriggeredFiling(inspection_id=pk, agency_id=agency_id, enterprise_id=ent_id,
                                               source="complaint", month=f"{d:%Y-%m}"))
        Participation.objects.bulk_create(parts, batch_size=5000)
        CheckCode.objects.bulk_create(codes, batch_size=5000)
        TriggeredFiling.objects.bulk_create(filings, batch_size=5000)
        code_ids = list(CheckCode.objects.filter(code__startswith="BENCH").values_list("id", flat=True)[::4])
        Evaluation.objects.bulk_create([Evaluation(check_code_id=c, rating=1 + c % 5, code_shown=True,
                                                   notified_in_advance=bool(c % 3)) for c in code_ids], batch_size=5000)
        Block.objects.bulk_create([Block(enterprise_id=e, rule="yearly_cap", reason="基准", starts_on=date(this_year, 3, 1),
                                         ends_on=date(this_year, 12, 31)) for e in ent_ids[:400]])
        Alert.objects.bulk_create([Alert(kind="audit.triggered_monthly", title=f"基准预警{i}", agency=agencies[i % 30])
                                   for i in range(2000)])
    return True


def timed(fn, runs):
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--inspections", type=int, default=50000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--reseed", action="store_true")
    args = parser.parse_args()
    _django(args.reseed)
    from django.db import connection, reset_queries
    from django.test import Client
    from django.utils import timezone

    from plans.models import Inspection
    from subjects.models import User
    from supervision.selectors.stats import StatsFilter, overview

    start = time.perf_counter()
    if seed(args.inspections):
        print(f"seeded {args.inspections} inspections in {time.perf_counter() - start:.1f}s")
    year = timezone.localdate().year
    total = Inspection.objects.count()
    client = Client()
    client.force_login(User.objects.get(username="bench_reviewer"))
    url = f"/supervision/dashboard/?year={year}"
    assert client.get(url).status_code == 200
    floor = timed(lambda: Inspection.objects.count(), args.runs)
    sel = timed(lambda: overview(f=StatsFilter(year=year)), args.runs)
    page = timed(lambda: client.get(url), args.runs)
    reset_queries()
    client.get(url)
    n_queries = len(connection.queries)
    print(f"database: {connection.vendor}, inspections: {total}")
    print(f"floor    COUNT(*)           {floor * 1000:9.1f} ms")
    print(f"overview selector           {sel * 1000:9.1f} ms   ×{sel / floor:,.0f} the floor")
    print(f"page     /supervision/dashboard/ {page * 1000:6.1f} ms   ×{page / floor:,.0f} the floor, {n_queries} queries")


if __name__ == "__main__":
    main()

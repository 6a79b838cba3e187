"""Benchmark: import a 100,000-row enterprise register (issue 4: peak memory under 300 MB).

Each phase runs in its own process so its peak RSS (resource.getrusage maxrss) is its own:
  1. generate  — write the 100,000-row xlsx (openpyxl write-only);
  2. floor     — just stream the file with openpyxl read-only through jiujiang_inspect.excel.iter_rows;
  3. import    — plans.imports.enterprises_import into an empty, migrated database (creates 100,000);
  4. reimport  — the same file again (idempotent: nothing changes).
With --reps N, floor and import alternate N times (the enterprises emptied before each new import)
and the medians are reported.
Prints elapsed seconds, peak RSS and the ratio to the floor, plus tracemalloc's peak of Python
allocations for the import phases. Uses its own SQLite file under var/ unless DATABASE_URL is set.

    .venv/bin/python bench/enterprise_import.py [--rows 100000] [--reps 3] [--json]   (S6 of bench/run.py)
"""
import argparse
import json
import os
import resource
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VAR = ROOT / "var"
FILE = VAR / "bench_enterprises.xlsx"
DB = VAR / "bench_enterprise_import.sqlite3"


def _maxrss_mb():
    # Linux reports kilobytes.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _django():
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jiujiang_inspect.settings")
    # As in production: with DEBUG on, Django would keep the SQL of every query in memory.
    os.environ.setdefault("DEBUG", "0")
    os.environ.setdefault("SECRET_KEY", "bench-only-not-a-secret-0123456789abcdefghijklmnopqrstuvwxyz")
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{DB}")
    import django

    django.setup()


def phase_generate(rows: int):
    from openpyxl import Workbook

    _django()
    from plans.imports import HEADERS
    from subjects.validators import USCC_ALPHABET, uscc_check_char

    towns = ["四褐山街道", "裕溪口街道", "官陡街道", "湾里街道", "清水街道", "沈巷镇", "二坝镇", "汤沟镇", "白茆镇"]
    industries = ["6210", "6291", "5212", "5213", "5169", "5265", "4710", "6110", ""]
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("检查对象")
    ws.append(list(HEADERS))
    for n in range(rows):
        k, body = n, ""
        for _ in range(7):
            k, r = divmod(k, 31)
            body = USCC_ALPHABET[r] + body
        first17 = "91340207MA" + body
        ws.append([first17 + uscc_check_char(first17), f"芜湖鸠江第{n}号商贸有限公司", towns[n % 9], industries[n % 9],
                   "小型", "ABCD"[n % 4], "否" if n % 17 == 0 else "是", f"芜湖市鸠江区万春东路{n % 500}号",
                   "张经理", f"139{n:08d}", "是"])
    wb.save(FILE)
    return {"rows": rows, "bytes": FILE.stat().st_size}


def phase_floor():
    _django()
    from jiujiang_inspect.excel import iter_rows
    from plans.imports import HEADERS

    n = 0
    start = time.perf_counter()
    with open(FILE, "rb") as fh:
        for _n, _row in iter_rows(fh, header_map=HEADERS):
            n += 1
    return {"rows": n, "work_s": round(time.perf_counter() - start, 1)}


def phase_migrate():
    _django()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    return {}


def phase_import(trace: bool):
    _django()
    from plans.imports import enterprises_import
    from subjects.models import User

    by, _created = User.objects.get_or_create(username="bench_reviewer", defaults={"role": "reviewer"})
    if trace:
        tracemalloc.start()
    start = time.perf_counter()
    with open(FILE, "rb") as fh:
        result = enterprises_import(fileobj=fh, by=by)
    out = {k: result[k] for k in ("rows", "created", "updated", "unchanged")}
    out["work_s"] = round(time.perf_counter() - start, 1)
    if trace:
        out["tracemalloc_peak_mb"] = round(tracemalloc.get_traced_memory()[1] / 2**20, 1)
    return out


def phase_empty():
    """Remove the imported enterprises (and what hangs on them) so the next import creates them again."""
    _django()
    from django.db import connection

    from plans.models import Enterprise

    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute(f"TRUNCATE {Enterprise._meta.db_table} CASCADE")
        else:
            Enterprise.objects.all().delete()
    return {}


def run_phase(name, *extra):
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, __file__, "--phase", name, *extra], capture_output=True, text=True,
                          cwd=ROOT, env=os.environ.copy())
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        sys.exit(f"phase {name} failed:\n{proc.stderr[-3000:]}")
    data = json.loads(proc.stdout.strip().splitlines()[-1])
    data["elapsed_s"] = round(elapsed, 1)
    return data


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--phase")
    parser.add_argument("--trace", action="store_true", help="also measure tracemalloc (slower)")
    parser.add_argument("--json", action="store_true", help="end with one JSON line of every phase (bench/run.py)")
    parser.add_argument("--reps", type=int, default=1, help="floor and import alternated this many times (medians)")
    args = parser.parse_args()
    if args.phase:
        start = time.perf_counter()
        if args.phase == "generate":
            data = phase_generate(args.rows)
        elif args.phase == "floor":
            data = phase_floor()
        elif args.phase == "migrate":
            data = phase_migrate()
        elif args.phase == "empty":
            data = phase_empty()
        else:
            data = phase_import(args.trace)
        data["inner_s"] = round(time.perf_counter() - start, 1)
        data["maxrss_mb"] = round(_maxrss_mb(), 1)
        print(json.dumps(data))
        return
    VAR.mkdir(exist_ok=True)
    if "DATABASE_URL" not in os.environ and DB.exists():
        DB.unlink()
    gen = run_phase("generate", "--rows", str(args.rows))
    run_phase("migrate")
    trace = ["--trace"] if args.trace else []
    # Floor and import alternate (the order flips each repetition), as the HTTP scenarios do: on a shared
    # machine the load moves between two runs more than the difference being measured.
    floors, imports, reimports = [], [], []
    for k in range(max(args.reps, 1)):
        if k:
            run_phase("empty")
        pair = [("floor", floors), ("import", imports)]
        for name, out in (pair if k % 2 == 0 else pair[::-1]):
            out.append(run_phase(name, *([] if name == "floor" else trace)))
        reimports.append(run_phase("reimport", *trace))

    def median_run(runs):
        return sorted(runs, key=lambda r: r["work_s"])[len(runs) // 2]

    floor, first, again = median_run(floors), median_run(imports), median_run(reimports)
    for r, runs in ((floor, floors), (first, imports), (again, reimports)):
        r["work_s_all"] = [x["work_s"] for x in runs]
        r["maxrss_mb"] = max(x["maxrss_mb"] for x in runs)
    print(f"file: {gen['rows']:,} rows, {gen['bytes'] / 2**20:.1f} MB (generated in {gen['elapsed_s']} s)")
    print(f"floor (read-only stream of the file): {floor['work_s']} s, peak RSS {floor['maxrss_mb']} MB")
    for label, r in (("import", first), ("re-import", again)):
        extra = f", tracemalloc peak {r['tracemalloc_peak_mb']} MB" if "tracemalloc_peak_mb" in r else ""
        print(f"{label}: {r['work_s']} s, peak RSS {r['maxrss_mb']} MB "
              f"= {r['maxrss_mb'] / floor['maxrss_mb']:.2f}× floor, time {r['work_s'] / max(floor['work_s'], 0.1):.2f}× floor; "
              f"created {r['created']:,}, updated {r['updated']:,}, unchanged {r['unchanged']:,}{extra}")
    worst = max(first["maxrss_mb"], again["maxrss_mb"])
    print(f"target peak < 300 MB: {'OK' if worst < 300 else 'EXCEEDED'} ({worst} MB)")
    if args.json:
        print(json.dumps({"generate": gen, "floor": floor, "import": first, "reimport": again}))


if __name__ == "__main__":
    main()

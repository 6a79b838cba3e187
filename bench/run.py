"""The benchmark harness (issue 13): `make bench` (district), `make bench SCALE=city`,
`make bench ONLY=S1,S5`.

1. The data: a PostgreSQL database per scale (default jj_bench_<scale> on 127.0.0.1), created, migrated
   and filled once by `manage.py generate_load --scale <scale> --seed 13`, reused when present.
2. The server: gunicorn with 4 workers and production settings (bench/settings.py: DEBUG off, Redis
   cache and throttles; only the floors' URLs and higher throttle rates added) on 127.0.0.1:8500.
3. Each scenario alternates floor and subject (the order flips every repetition), REPS repetitions,
   and reports medians. Requests go over HTTP from client threads (bench/load.py, `requests`).
4. Prints a table and writes bench/results.json ({"S1": {"ratio", "p95_ms", "target", "met", …}, …})
   and bench/results-<scale>.json (S7 compares the district and city files when both exist; a run of
   some scenarios replaces only theirs there).

Environment: BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/jj_bench_<scale>),
BENCH_REDIS_URL (default redis://127.0.0.1:6379/11), BENCH_PORT (8500), BENCH_REPS (5).
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PY = sys.executable
BIN = Path(PY).parent

SCENARIOS = ["S1", "S3", "S4", "S5", "S6", "S7"]
TARGETS = {"S1": "ratio ≥ 0.8, p99 ≤ 150 ms", "S3": "ratio ≤ 1.5", "S4": "ratio ≥ 0.5 (each list)",
           "S5": "p95 ≤ 200 ms (city)", "S6": "time ≤ 1.4× floor, ≤ 300 MB", "S7": "ratios drift ≤ 10%"}


def _env(scale):
    env = os.environ.copy()
    env["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL", f"postgres://postgres@127.0.0.1:5432/jj_bench_{scale}")
    env["REDIS_URL"] = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/11")
    env["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    env.setdefault("SECRET_KEY", "bench-only-not-a-secret-0123456789abcdefghijklmnopqrstuvwxyz")
    env.pop("DEBUG", None)
    return env


def _manage(env, *args):
    subprocess.run([PY, "manage.py", *args], cwd=ROOT, env=env, check=True)


def _collectstatic(env):
    """Production serves hashed static names (a manifest): collect them when a source file is newer."""
    manifest = Path(env.get("STATIC_ROOT") or ROOT / "staticfiles") / "staticfiles.json"
    sources = [p for d in ROOT.glob("*/static") for p in d.rglob("*") if p.is_file()]
    if not manifest.exists() or max(p.stat().st_mtime for p in sources) > manifest.stat().st_mtime:
        _manage(env, "collectstatic", "--noinput", "-v0")


def ensure_data(scale, env):
    import psycopg2

    url = env["DATABASE_URL"]
    base, name = url.rsplit("/", 1)
    conn = psycopg2.connect(base + "/postgres")
    conn.autocommit = True  # CREATE DATABASE cannot run in a transaction
    with conn.cursor() as cur:
        cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if not cur.fetchone():
            cur.execute(f'CREATE DATABASE "{name}"')
    conn.close()
    _manage(env, "migrate", "--noinput", "-v0")
    _collectstatic(env)
    with psycopg2.connect(url) as conn, conn.cursor() as cur:
        cur.execute("SELECT EXISTS (SELECT 1 FROM plans_inspection)")
        filled = cur.fetchone()[0]
    conn.close()
    if not filled:
        t0 = time.perf_counter()
        _manage(env, "generate_load", "--scale", scale, "--seed", "13")
        print(f"generated {scale} data in {time.perf_counter() - t0:.0f}s", flush=True)
    t0 = time.perf_counter()
    _manage(env, "rollups_refresh")  # a no-op when fresh; the first time it builds them
    print(f"rollups up to date in {time.perf_counter() - t0:.0f}s", flush=True)


def start_server(env, port):
    log = open(ROOT / "var" / "bench-gunicorn.log", "w")  # noqa: SIM115 (closed with the process)
    proc = subprocess.Popen([str(BIN / "gunicorn"), "jiujiang_inspect.wsgi:application", "--bind", f"127.0.0.1:{port}",
                             "--workers", "4", "--timeout", "120"], cwd=ROOT, env=env, stdout=log, stderr=log)
    import requests

    for _ in range(100):
        try:
            # Any answer means the server is up (/healthz may say 503: no Celery worker runs here).
            requests.get(f"http://127.0.0.1:{port}/healthz", timeout=2)
            return proc
        except requests.RequestException:
            pass
        time.sleep(0.3)
    proc.terminate()
    sys.exit("gunicorn did not start; see var/bench-gunicorn.log")


def interleave(reps, floor_fn, subject_fn):
    floors, subjects = [], []
    for k in range(reps):
        if k % 2 == 0:
            floors.append(floor_fn(k))
            subjects.append(subject_fn(k))
        else:
            subjects.append(subject_fn(k))
            floors.append(floor_fn(k))
    return floors, subjects


def med(rows, key):
    vals = [r[key] for r in rows if r.get(key) is not None]
    return round(statistics.median(vals), 3) if vals else None


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", default=os.environ.get("SCALE") or "district", choices=["district", "city", "province"])
    parser.add_argument("--only", default=os.environ.get("ONLY", ""))
    parser.add_argument("--reps", type=int, default=int(os.environ.get("BENCH_REPS", "5")))
    args = parser.parse_args()
    only = [s.strip().upper() for s in args.only.split(",") if s.strip()] or SCENARIOS
    env = _env(args.scale)
    (ROOT / "var").mkdir(exist_ok=True)
    ensure_data(args.scale, env)
    os.environ.update({k: env[k] for k in ("DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE", "SECRET_KEY")})
    os.environ.pop("DEBUG", None)
    import django

    django.setup()
    from bench import scenarios

    port = int(os.environ.get("BENCH_PORT", "8500"))
    base = f"http://127.0.0.1:{port}"
    results = {"scale": args.scale, "reps": args.reps, "started": time.strftime("%Y-%m-%dT%H:%M:%S%z")}
    out = Path(__file__).parent
    # results-<scale>.json keeps the latest figure of every scenario: a run of some (ONLY=…) replaces
    # only theirs, each stamped with when it was measured. Written after every scenario, so a later
    # scenario that fails loses nothing measured before it.
    kept = out / f"results-{args.scale}.json"
    merged = json.loads(kept.read_text()) if kept.exists() and set(only) != set(SCENARIOS) else {}

    def save(name):
        results[name]["measured"] = results["started"]
        merged.update({k: results[k] for k in ("scale", "reps", "started")}, **{name: results[name]})
        (out / "results.json").write_text(json.dumps(results, ensure_ascii=False, indent=1))
        kept.write_text(json.dumps(merged, ensure_ascii=False, indent=1))

    server = start_server(env, port) if {"S1", "S4", "S5"} & set(only) else None
    try:
        for name in only:
            if name == "S7":
                continue
            fn = getattr(scenarios, name.lower(), None)
            if fn is None:
                print(f"{name}: no such scenario", flush=True)
                continue
            t0 = time.perf_counter()
            print(f"== {name}", flush=True)
            r = fn(base=base, reps=args.reps, env=env, scale=args.scale)
            r["target"] = TARGETS[name]
            r["elapsed_s"] = round(time.perf_counter() - t0, 1)
            results[name] = r
            save(name)
            print(f"   {json.dumps({k: v for k, v in r.items() if k != 'runs'}, ensure_ascii=False)}", flush=True)
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
    if "S7" in only:
        # This scale's latest figures (this run's, else the kept ones) against the other scale's file.
        results["S7"] = scenarios.s7(current=merged, here=out)
        results["S7"]["target"] = TARGETS["S7"]
        save("S7")
    print_table(results)
    return 0


def print_table(results):
    print(f"\n{results['scale']} scale, {results['reps']} repetitions, medians")
    print(f"{'scenario':9} {'floor':>12} {'subject':>12} {'ratio':>7} {'p95 ms':>9}  {'target':28} met")
    for name in SCENARIOS:
        r = results.get(name)
        if not r:
            continue
        ratio = "—" if r.get("ratio") is None else f"{r['ratio']:.2f}"
        p95 = "—" if r.get("p95_ms") is None else f"{r['p95_ms']:.0f}"
        print(f"{name:9} {str(r.get('floor', '—')):>12} {str(r.get('subject', '—')):>12} {ratio:>7} {p95:>9}  "
              f"{r['target']:28} {'yes' if r.get('met') else 'NO' if r.get('met') is False else '—'}")
        for line in r.get("detail_lines", []):
            print(f"          {line}")


if __name__ == "__main__":
    sys.exit(main())

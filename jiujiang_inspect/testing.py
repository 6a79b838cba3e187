"""Shared pytest plumbing: service guards (PostgreSQL, Redis), the authenticated API client and a real
Celery worker. The personas every app's tests use (alice, anna, bob, bert, rita …) need the apps'
factories, so they live in the root conftest.py: this package imports no app."""
import os

import pytest
from rest_framework.test import APIClient

REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES") == "1"


def require_postgres():
    """Skip (or fail under REQUIRE_SERVICES=1) unless the test database is PostgreSQL."""
    from django.db import connection

    if connection.vendor != "postgresql":
        if REQUIRE_SERVICES:
            pytest.fail("REQUIRE_SERVICES=1 but the test database is not PostgreSQL (set DATABASE_URL)")
        pytest.skip("needs PostgreSQL (set DATABASE_URL)")


def require_redis():
    from django.conf import settings

    if not settings.REDIS_URL:
        if REQUIRE_SERVICES:
            pytest.fail("REQUIRE_SERVICES=1 but REDIS_URL is not set")
        pytest.skip("needs Redis (set REDIS_URL)")


def api_client_for(user=None, *, secret=None):
    client = APIClient()
    if secret:
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    elif user is not None:
        from jiujiang_inspect.tokens import api_token_create

        _token, key = api_token_create(user=user, name="test")
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    return client


@pytest.fixture
def api():
    """api(user) or api(secret=...) → an authenticated DRF APIClient; api() is anonymous."""
    return api_client_for


@pytest.fixture
def celery_worker_real(transactional_db):
    """A real Celery worker (solo pool, in a thread) consuming from Redis; tasks are NOT eager here.

    Use in `@pytest.mark.django_db(transaction=True)` tests: the worker thread sees committed rows only.
    """
    require_redis()
    import celery.contrib.testing.tasks  # noqa: F401  registers the ping task start_worker uses
    from celery.contrib.testing.worker import start_worker

    from jiujiang_inspect.celery import app

    # The Django settings key wins over the lowercase Celery name, so switch both.
    previous = (app.conf.task_always_eager, app.conf.get("CELERY_TASK_ALWAYS_EAGER"))
    app.conf.task_always_eager = False
    app.conf.CELERY_TASK_ALWAYS_EAGER = False
    from celery.result import EagerResult

    probe = app.signature("celery.ping").delay()
    assert not isinstance(probe, EagerResult), "tasks still run eagerly: the worker test would prove nothing"
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=30) as worker:
            yield worker
    finally:
        app.conf.task_always_eager, app.conf.CELERY_TASK_ALWAYS_EAGER = previous
        _close_other_db_sessions()


def _close_other_db_sessions():
    """The worker thread keeps its own DB connection; end it so the test database can be dropped."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                        "WHERE datname = current_database() AND pid <> pg_backend_pid()")


def build_xlsx(sheets, *, formats=None, date1904=False, patch=None, merges=None):
    """An .xlsx in memory for import tests. `sheets`: {title: [row, ...]} (or a list of rows for one
    sheet); `merges`: {title: ["A1:K1"]}; `formats`: {(sheet title, "B2"): number_format}; `date1904`: save with the 1904 date system;
    `patch`: {member path: function(xml text) -> xml text} to reproduce what Excel or WPS write and
    openpyxl does not (built-in zh-CN date formats, stale dimensions)."""
    import io
    import zipfile

    from openpyxl import Workbook
    from openpyxl.utils.datetime import CALENDAR_MAC_1904

    if not isinstance(sheets, dict):
        sheets = {"Sheet1": sheets}
    wb = Workbook()
    wb.remove(wb.active)
    if date1904:
        wb.epoch = CALENDAR_MAC_1904
    for title, rows in sheets.items():
        ws = wb.create_sheet(title)
        for row in rows:
            ws.append(row)
    for title, ranges in (merges or {}).items():
        for ref in ranges:
            wb[title].merge_cells(ref)
    for (title, ref), fmt in (formats or {}).items():
        wb[title][ref].number_format = fmt
    buf = io.BytesIO()
    wb.save(buf)
    if patch:
        src = zipfile.ZipFile(io.BytesIO(buf.getvalue()))
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as out:
            for info in src.infolist():
                data = src.read(info.filename)
                if info.filename in patch:
                    data = patch[info.filename](data.decode()).encode()
                out.writestr(info, data)
    buf.seek(0)
    buf.name = "upload.xlsx"
    return buf


class WebhookReceiver:
    """A real HTTP receiver on a local port (a thread running http.server) for outbox tests.

    `script` is a list of behaviours for the next requests, then "ok" forever: "fail" answers 500,
    "slow" waits past the sender's timeout before answering, "ok" answers 204. `accepted` holds the
    (headers, raw body) of every request answered 2xx in time, `seen` every request."""

    def __init__(self, port, script=()):
        import threading
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        receiver = self
        self.script, self.accepted, self.seen, self.slow_seconds = list(script), [], [], 1.0
        self.lock = threading.Lock()

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 (http.server's name)
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                with receiver.lock:
                    behaviour = receiver.script.pop(0) if receiver.script else "ok"
                    receiver.seen.append((dict(self.headers), body))
                if behaviour == "slow":
                    import time

                    time.sleep(receiver.slow_seconds)
                    behaviour = "late"
                if behaviour == "ok":
                    with receiver.lock:
                        receiver.accepted.append((dict(self.headers), body))
                self.send_response({"ok": 204, "fail": 500, "late": 204}[behaviour])
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{port}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def _free_port(first: int, last: int) -> int:
    import socket

    for port in range(first, last + 1):
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port")


@pytest.fixture
def webhook_receiver():
    """A WebhookReceiver on a free port of OUTBOX_TEST_PORTS (default 8600-8699)."""
    first, _sep, last = os.environ.get("OUTBOX_TEST_PORTS", "8600-8699").partition("-")
    receiver = WebhookReceiver(_free_port(int(first), int(last or first)))
    yield receiver
    receiver.close()

"""The embedded default never answers 500 under concurrency (issue 11 l): 12 simultaneous 检查码
requests to a real multi-process server on a SQLite file answer only 201 and 409.

The test database (migrated, with the scenario) is copied to a file with SQLite's backup API; gunicorn
serves that file with the project's own settings (WAL, busy timeout, IMMEDIATE transactions)."""
import json
import os
import secrets
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.db import connection

from .test_concurrency import _fire, _one_slot_left

N = 12
ROOT = Path(__file__).resolve().parents[2]


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.django_db(transaction=True)
def test_twelve_simultaneous_code_requests_on_sqlite_answer_only_201_and_409(tmp_path):
    if connection.vendor != "sqlite":
        pytest.skip("proves the embedded SQLite default")
    from jiujiang_inspect.tokens import api_token_create

    ent, pairs = _one_slot_left(N)
    keys = [(insp.pk, api_token_create(user=user, name="burst")[1]) for insp, user in pairs]
    path = tmp_path / "served.sqlite3"
    connection.ensure_connection()
    target = sqlite3.connect(path)
    connection.connection.backup(target)
    target.close()

    port = _free_port()
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{path}", "DEBUG": "0", "SECRET_KEY": secrets.token_urlsafe(40),
           "ALLOWED_HOSTS": "127.0.0.1", "SECURE_SSL_REDIRECT": "0", "REDIS_URL": "",
           "PUBLIC_BASE_URL": f"http://127.0.0.1:{port}", "DJANGO_SETTINGS_MODULE": "jiujiang_inspect.settings"}
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "jiujiang_inspect.wsgi", "-b", f"127.0.0.1:{port}", "--workers", "3",
         "--threads", "4", "--graceful-timeout", "3", "--log-level", "warning"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/agencies/", timeout=10).close()
                break
            except urllib.error.HTTPError:
                break
            except OSError:
                time.sleep(0.3)
        calls = []
        for pk, key in keys:
            req = urllib.request.Request(f"http://127.0.0.1:{port}/api/v1/inspections/{pk}/check-code/",
                                         method="POST", data=b"{}",
                                         headers={"Authorization": f"Bearer {key}", "Content-Type": "application/json"})

            def call(req=req):
                try:
                    with urllib.request.urlopen(req, timeout=60) as resp:
                        return resp.status, json.loads(resp.read())
                except urllib.error.HTTPError as err:
                    return err.code, err.read().decode(errors="replace")[:300]

            calls.append(call)
        results = _fire(calls)
    finally:
        server.terminate()
        try:
            log = server.communicate(timeout=15)[0].decode(errors="replace")
        except subprocess.TimeoutExpired:
            server.kill()
            log = server.communicate()[0].decode(errors="replace")
    statuses = sorted(r[0] for r in results if isinstance(r, tuple))
    assert statuses == [201] + [409] * (N - 1), (results, log[-3000:])
    served = sqlite3.connect(path)
    try:
        assert served.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        issued = served.execute(
            "SELECT COUNT(*) FROM checkcode_checkcode c JOIN plans_inspection i ON c.inspection_id = i.id "
            "WHERE i.enterprise_id = ?", [ent.pk]).fetchone()[0]
    finally:
        served.close()
    assert issued == 1

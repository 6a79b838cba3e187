"""/healthz (issue 10 "Operations"): a load balancer's probe, no login, JSON, 200 when the database,
cache, broker and a Celery worker are fine, 503 naming what is not."""
import time

import pytest
from django.test import override_settings
from django.utils import timezone

from jiujiang_inspect import health
from jiujiang_inspect.testing import require_redis

pytestmark = pytest.mark.django_db

# The real-worker shape without Redis: a queue (kombu's in-memory transport) and no eager execution.
QUEUED = {"CELERY_TASK_ALWAYS_EAGER": False}


@pytest.fixture(autouse=True)
def fresh_heartbeat():
    from django.core.cache import cache

    cache.delete(health.HEARTBEAT_KEY)
    health._last_write["at"] = 0.0
    yield
    cache.delete(health.HEARTBEAT_KEY)


def beat(seconds_ago=0):
    health._last_write["at"] = 0.0
    health.worker_heartbeat_record(hostname="celery@web1",
                                   now=timezone.now() - timezone.timedelta(seconds=seconds_ago))


def test_healthy_embedded_answers_200_without_login(client):
    """`make run` (no broker: tasks run in-process) is healthy with broker and worker "eager"."""
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert {name: c["ok"] for name, c in body["checks"].items()} == {
        "database": True, "cache": True, "broker": True, "worker": True}
    assert body["checks"]["worker"]["mode"] == "eager"
    assert "no-store" in response["Cache-Control"]


def test_worker_heartbeat_decides_the_worker_check(client):
    with override_settings(**QUEUED, CELERY_BROKER_URL="memory://", HEALTHZ_WORKER_MAX_AGE=60):
        response = client.get("/healthz")
        assert response.status_code == 503
        assert response.json()["checks"]["worker"] == {"ok": False, "error": "no worker heartbeat",
                                                       "ms": response.json()["checks"]["worker"]["ms"]}
        beat(seconds_ago=5)
        response = client.get("/healthz")
        assert response.status_code == 200, response.json()
        worker = response.json()["checks"]["worker"]
        assert worker["ok"] and worker["hostname"] == "celery@web1" and 4 <= worker["age_seconds"] <= 30
        beat(seconds_ago=300)  # the worker died five minutes ago
        response = client.get("/healthz")
        assert response.status_code == 503 and response.json()["status"] == "fail"
        assert "300 s ago" in response.json()["checks"]["worker"]["error"]


def test_unreachable_broker_and_cache_answer_503_quickly(client):
    """Nothing listens on port 1: the broker and the cache fail at once, named in the answer."""
    dead_cache = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                              "LOCATION": "redis://127.0.0.1:1/0"}}
    beat()
    with override_settings(**QUEUED, CELERY_BROKER_URL="redis://127.0.0.1:1/0", CACHES=dead_cache):
        started = time.monotonic()
        response = client.get("/healthz")
        elapsed = time.monotonic() - started
    assert response.status_code == 503
    checks = response.json()["checks"]
    assert checks["database"]["ok"] is True
    assert checks["broker"]["ok"] is False and checks["cache"]["ok"] is False
    assert checks["worker"]["ok"] is False  # its heartbeat lives in the unreachable cache
    assert elapsed < 5, elapsed


def test_hanging_check_times_out(client, monkeypatch):
    def hang():
        time.sleep(8)
        return {"ok": True}

    monkeypatch.setattr(health, "check_broker", hang)
    with override_settings(HEALTHZ_TIMEOUT=0.5):
        started = time.monotonic()
        response = client.get("/healthz")
    assert time.monotonic() - started < 5  # well before the check itself would have ended
    assert response.status_code == 503
    assert response.json()["checks"]["broker"] == {"ok": False, "error": "timeout"}


def test_database_failure_answers_503(client, monkeypatch):
    def broken():
        raise RuntimeError("server closed the connection")

    monkeypatch.setattr(health, "check_database", broken)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["database"]["error"] == "RuntimeError"


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_real_worker_heartbeat_on_redis(client):
    """A real Celery worker on Redis (heartbeats on, as `celery worker` runs by default) makes /healthz
    healthy within seconds; nothing else writes the heartbeat."""
    require_redis()
    from celery.contrib.testing.worker import start_worker

    from jiujiang_inspect.celery import app

    with override_settings(**QUEUED):
        response = client.get("/healthz")
        assert response.status_code == 503 and response.json()["checks"]["worker"]["ok"] is False
        assert response.json()["checks"]["broker"]["ok"] is True
        previous = app.conf.task_always_eager, app.conf.get("CELERY_TASK_ALWAYS_EAGER")
        app.conf.task_always_eager = app.conf.CELERY_TASK_ALWAYS_EAGER = False
        try:
            with start_worker(app, pool="solo", perform_ping_check=False, without_heartbeat=False,
                              shutdown_timeout=30):
                deadline = time.monotonic() + 20
                while time.monotonic() < deadline:
                    response = client.get("/healthz")
                    if response.status_code == 200:
                        break
                    time.sleep(0.5)
        finally:
            app.conf.task_always_eager, app.conf.CELERY_TASK_ALWAYS_EAGER = previous
    assert response.status_code == 200, response.json()
    assert response.json()["checks"]["worker"]["age_seconds"] < 10

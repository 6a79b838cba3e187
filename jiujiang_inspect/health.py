"""`/healthz` for a load balancer or a monitor: is this web process able to serve, and is work getting done?

Four checks, each bounded in time so the answer comes within about ``HEALTHZ_TIMEOUT`` seconds even when
a dependency hangs:

- ``database``: ``SELECT 1`` on the default database (PostgreSQL's ``connect_timeout`` bounds a dead server).
- ``cache``: a write and a read of a short-lived key in the default cache (Redis in production).
- ``broker``: a connection to the Celery broker (Redis), which queued imports and audits need.
- ``worker``: the latest heartbeat a Celery worker wrote to the cache (``worker_heartbeat_record``, called
  from Celery's ``heartbeat_sent`` signal every few seconds) is younger than ``HEALTHZ_WORKER_MAX_AGE``.

Without a broker (``make run``: tasks run in-process, ``CELERY_TASK_ALWAYS_EAGER``) ``broker`` and
``worker`` report ``"eager"`` and count as healthy.
"""
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.utils import timezone

HEARTBEAT_KEY = "health:worker-heartbeat"
HEARTBEAT_WRITE_EVERY = 5.0  # seconds between two cache writes from one worker
# At most this many checks run at once across the process: a hanging dependency ties up these threads,
# never more, and later checks answer "timeout" instead of piling up threads.
_executor = ThreadPoolExecutor(max_workers=4, thread_name_prefix="healthz")
_last_write = {"at": 0.0}


def worker_heartbeat_record(*, hostname: str, now=None) -> None:
    """Store that worker ``hostname`` is alive (its consumer loop runs) in the cache, at most every
    ``HEARTBEAT_WRITE_EVERY`` seconds per process. Called from the worker; never raises (a cache outage
    must not disturb the worker, and /healthz reports the missing heartbeat anyway)."""
    mono = time.monotonic()
    if mono - _last_write["at"] < HEARTBEAT_WRITE_EVERY:
        return
    _last_write["at"] = mono
    stamp = (now or timezone.now()).timestamp()
    try:
        cache.set(HEARTBEAT_KEY, {"hostname": hostname, "at": stamp}, timeout=3600)
    except Exception:  # noqa: BLE001  the worker keeps working; /healthz shows the stale heartbeat
        pass


def _eager() -> bool:
    return bool(settings.CELERY_TASK_ALWAYS_EAGER)


def check_database() -> dict:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {"ok": True}


def check_cache() -> dict:
    key = f"health:probe:{uuid.uuid4().hex}"
    cache.set(key, "1", timeout=10)
    ok = cache.get(key) == "1"
    cache.delete(key)
    return {"ok": ok} if ok else {"ok": False, "error": "written value not read back"}


def check_broker() -> dict:
    if _eager():
        return {"ok": True, "mode": "eager"}
    from .celery import app

    with app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=settings.HEALTHZ_TIMEOUT)
        conn.default_channel  # noqa: B018  opening a channel talks to the server (Redis: PING)
    return {"ok": True}


def check_worker(now=None) -> dict:
    if _eager():
        return {"ok": True, "mode": "eager"}
    beat = cache.get(HEARTBEAT_KEY)
    if not beat:
        return {"ok": False, "error": "no worker heartbeat"}
    age = round((now or timezone.now()).timestamp() - beat["at"], 1)
    result = {"ok": age <= settings.HEALTHZ_WORKER_MAX_AGE, "age_seconds": age, "hostname": beat["hostname"]}
    if not result["ok"]:
        result["error"] = f"last worker heartbeat {age:.0f} s ago"
    return result


def _timed(check):
    started = time.perf_counter()
    try:
        result = check()
    except Exception as exc:  # noqa: BLE001  any failure is an unhealthy dependency, reported by kind
        result = {"ok": False, "error": type(exc).__name__}
    result["ms"] = round((time.perf_counter() - started) * 1000, 1)
    return result


def health_report() -> tuple[bool, dict]:
    """Run every check; returns (healthy, {name: {"ok": bool, "ms": float, ...}}). The database check
    runs in the caller's thread (its connection is the request's); the network checks run in a small
    shared pool and count as failed ("timeout") when they take longer than ``HEALTHZ_TIMEOUT``."""
    deadline = time.monotonic() + settings.HEALTHZ_TIMEOUT
    futures = {name: _executor.submit(_timed, check)
               for name, check in (("cache", check_cache), ("broker", check_broker), ("worker", check_worker))}
    checks = {"database": _timed(check_database)}
    for name, future in futures.items():
        try:
            checks[name] = future.result(timeout=max(0.0, deadline - time.monotonic()))
        except FutureTimeout:
            future.cancel()
            checks[name] = {"ok": False, "error": "timeout"}
    return all(c["ok"] for c in checks.values()), checks

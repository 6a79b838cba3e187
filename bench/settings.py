"""Settings of the benchmark server: production settings (DEBUG off, PostgreSQL, Redis cache and
throttles) with three changes a load test needs, nothing else:
- the floor endpoints mounted beside the project's URLs (bench.urls);
- throttle rates raised so 16 clients of one account are not refused (the throttle still runs: its
  Redis round trip is part of every measured request, floor and subject alike);
- plain HTTP on 127.0.0.1 (no TLS redirect: there is no proxy in front of gunicorn here)."""
import os

os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("PUBLIC_BASE_URL", "https://bench.invalid")
os.environ.setdefault("SECRET_KEY", "bench-only-not-a-secret-0123456789abcdefghijklmnopqrstuvwxyz")
os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost")

from jiujiang_inspect.settings import *  # noqa: E402,F403
from jiujiang_inspect.settings import REST_FRAMEWORK  # noqa: E402

ROOT_URLCONF = "bench.urls"
REST_FRAMEWORK = {**REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {
    **REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "user": "1000000/minute", "anon": "1000000/minute"}}
AXES_VERBOSE = False  # the scenarios log users in; their lines would interleave with the results
SILENCED_SYSTEM_CHECKS = ["security.W004", "security.W008", "security.W012", "axes.W003"]

"""Test settings: the same settings, DEBUG on for a default secret, fast hashing, no lockouts."""
import os

os.environ.setdefault("DEBUG", "true")

from .settings import *  # noqa: E402,F403
from .settings import DATABASES, REST_FRAMEWORK  # noqa: E402

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
AXES_ENABLED = False
DEBUG = False  # tests see production behaviour (error pages, no debug toolbar)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
REST_FRAMEWORK = {**REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {
    "anon": "10000/minute", "user": "10000/minute", "public_verify": "10000/minute", "token": "10000/minute"}}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    DATABASES["default"]["TEST"] = {"NAME": ":memory:"}

import tempfile  # noqa: E402

# Uploads written by tests go to a throwaway folder, not var/media.
MEDIA_ROOT = tempfile.mkdtemp(prefix="jj-test-media-")

# Tests run Celery tasks in-process by default; the tests that prove the real worker path use the
# `celery_worker_real` fixture (jiujiang_inspect.testing), which switches this off against Redis.
CELERY_TASK_ALWAYS_EAGER = True
# Figures right after a write: a read refreshes stale dashboard rollups whatever their age.
ROLLUP_READ_MAX_AGE = 0
CELERY_TASK_EAGER_PROPAGATES = True

# Each test run gets its own cache namespace: with REDIS_URL set the cache outlives the test database,
# and stale entries (e.g. remembered Idempotency-Key answers) must not leak from one run into the next.
import uuid  # noqa: E402

for _cache in CACHES.values():  # noqa: F405
    _cache["KEY_PREFIX"] = f"test-{uuid.uuid4().hex[:12]}"

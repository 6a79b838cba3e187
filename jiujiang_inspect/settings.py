"""Settings for the 鸠江区 涉企行政检查 "综合查一次" system.

One module reads the environment (django-environ). With nothing set it runs embedded: SQLite under
var/, Celery tasks eager, local-memory cache. With DATABASE_URL and REDIS_URL set it runs as in
production on PostgreSQL, a Redis broker and a real worker + beat.
"""
from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()

# --- Core ------------------------------------------------------------------------------------------
DEBUG = env.bool("DEBUG", default=False)
if DEBUG:
    SECRET_KEY = env("SECRET_KEY", default="dev-only-insecure-key-change-me-0123456789abcdefghijklmnop")
else:
    # Fail loudly: a production process without its secret must not start.
    SECRET_KEY = env("SECRET_KEY")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# Public verification links inside QR codes must be absolute; the code page is opened on a phone. Outside
# DEBUG there is no default: `check --deploy` fails unless it is a public https address (checks.py).
PUBLIC_BASE_URL = env("PUBLIC_BASE_URL", default="http://127.0.0.1:8000" if DEBUG else "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "csp",
    # Project apps, low to high: each imports only those above it.
    "subjects",
    "jiujiang_inspect",
    "matters",
    "plans",
    "checkcode",
    "guidance",
    "supervision",
    "reports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "jiujiang_inspect.middleware.NoStoreForSignedInMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "jiujiang_inspect.middleware.PasswordChangeRequiredMiddleware",
    # Redis down: a Chinese 503 page with Retry-After instead of a 500 (jiujiang_inspect.availability).
    "jiujiang_inspect.availability.ServiceUnavailableMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # GET/HEAD of lists, dashboards and exports read from the replica when one is configured.
    "jiujiang_inspect.db_routing.ReplicaReadsMiddleware",
    # Axes last: it needs the authenticated user and the request's IP.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "jiujiang_inspect.urls"
WSGI_APPLICATION = "jiujiang_inspect.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "jiujiang_inspect.context_processors.navigation",
            ],
        },
    },
]

# --- Database ----------------------------------------------------------------------------------------
VAR_DIR.mkdir(exist_ok=True)
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}")}
DATABASES["default"].setdefault("ATOMIC_REQUESTS", False)
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # The embedded default serves concurrent requests (issue 11 l): WAL lets readers run beside the one
    # writer, a write transaction takes the lock when it begins (IMMEDIATE, so two transactions never
    # deadlock upgrading a read lock, which SQLite answers "database is locked" at once), and a writer
    # waits up to 20 s for the lock instead of failing.
    DATABASES["default"].setdefault("OPTIONS", {}).update({
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
    })
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    # A dead database server fails a request (and /healthz) in seconds instead of hanging it.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("connect_timeout", env.int("DB_CONNECT_TIMEOUT", default=5))
# A streaming read replica (docs/scaling.md): lists, dashboards and exports read from it, rule checks
# and writes stay on the primary (jiujiang_inspect.db_routing). Absent: everything on `default`.
if env.str("DATABASE_REPLICA_URL", default=""):
    DATABASES["replica"] = env.db("DATABASE_REPLICA_URL")
    DATABASES["replica"]["CONN_MAX_AGE"] = DATABASES["default"].get("CONN_MAX_AGE", 0)
    DATABASES["replica"].setdefault("OPTIONS", {}).setdefault("connect_timeout", env.int("DB_CONNECT_TIMEOUT", default=5))
    # In tests the replica serves the primary's test database (replicated, never created or flushed).
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["jiujiang_inspect.db_routing.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Accounts and security ----------------------------------------------------------------------------
AUTH_USER_MODEL = "subjects.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=8 * 3600)  # one working day
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = 0.25  # hours
# Lock out a username from one address (both together): a district shares a few egress addresses, so
# locking by address alone would let one outsider lock everyone out. The address is the real client's
# behind TRUSTED_PROXY_COUNT proxies (jiujiang_inspect.clientip; deploy/nginx is one proxy).
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=1)
AXES_CLIENT_IP_CALLABLE = "jiujiang_inspect.clientip.client_ip"
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_CALLABLE = "jiujiang_inspect.views.lockout_response"  # API error shape + Retry-After
AXES_RESET_ON_SUCCESS = True
AXES_ENABLED = env.bool("AXES_ENABLED", default=True)
AXES_VERBOSE = False

if not DEBUG:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
    SECURE_CONTENT_TYPE_NOSNIFF = True
# /healthz answers plain HTTP too: a load balancer probes the backend directly, without TLS.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
HEALTHZ_TIMEOUT = env.float("HEALTHZ_TIMEOUT", default=3.0)  # seconds for the network checks together
HEALTHZ_WORKER_MAX_AGE = env.int("HEALTHZ_WORKER_MAX_AGE", default=60)  # seconds since a worker's heartbeat
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy (django-csp): scripts, styles, fonts and fetches from this site only; no inline
# script, no on* handler, no style attribute, no eval. Page behaviour lives in static/js/app.js (data-*
# attributes), layout in static/css/app.css. data: images are Bootstrap's inline SVG icons (form-select
# arrow, checkboxes, navbar toggler). The browser tests fail on any violation (browser_testing.py).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

# --- Internationalisation -----------------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文"))]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
# Form input formats: jiujiang_inspect.dates (ISO first, so date inputs show stored values).
FORMAT_MODULE_PATH = ["jiujiang_inspect.formats"]

# --- Static files --------------------------------------------------------------------------------------
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
MEDIA_ROOT = env("MEDIA_ROOT", default=str(VAR_DIR / "media"))
MEDIA_URL = "media/"
# Manifest storage in production; plain storage under DEBUG so a fresh clone serves pages before
# collectstatic has ever run. STATIC_MANIFEST=1 forces the manifest storage under DEBUG too: `make run`
# collects that way, so a static file referencing a missing one (a .map, a font) fails there, not only
# in production, where it would turn every HTML page into a 500.
STATIC_MANIFEST = env.bool("STATIC_MANIFEST", default=not DEBUG)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if STATIC_MANIFEST
        else "django.contrib.staticfiles.storage.StaticFilesStorage",
    },
}
# Uploaded files (evidence photos and documents) go to the default storage: local files under MEDIA_ROOT,
# or an S3-compatible bucket (django-storages) once MEDIA_S3_BUCKET is set (docs/operations.md
# "Uploaded files"). The bucket stays private: files are served only through views that check access.
MEDIA_S3_BUCKET = env("MEDIA_S3_BUCKET", default="")
if MEDIA_S3_BUCKET:
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": MEDIA_S3_BUCKET,
            "endpoint_url": env("MEDIA_S3_ENDPOINT_URL", default="") or None,
            "region_name": env("MEDIA_S3_REGION", default="") or None,
            "access_key": env("MEDIA_S3_ACCESS_KEY_ID", default="") or None,
            "secret_key": env("MEDIA_S3_SECRET_ACCESS_KEY", default="") or None,
            "location": env("MEDIA_S3_PREFIX", default=""),
            "addressing_style": env("MEDIA_S3_ADDRESSING_STYLE", default="path"),
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
# jiujiang_inspect/uploads.py: evidence files are checked by content, at most UPLOAD_MAX_BYTES each;
# photos are re-encoded with their long side at most UPLOAD_IMAGE_MAX_SIDE pixels.
UPLOAD_MAX_BYTES = env.int("UPLOAD_MAX_BYTES", default=10 * 1024 * 1024)
UPLOAD_IMAGE_MAX_SIDE = env.int("UPLOAD_IMAGE_MAX_SIDE", default=2560)
UPLOAD_MAX_PIXELS = env.int("UPLOAD_MAX_PIXELS", default=50_000_000)
# Uploads (Excel imports) are checked before opening; this caps what Django holds in memory.
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
IMPORT_MAX_UPLOAD_BYTES = env.int("IMPORT_MAX_UPLOAD_BYTES", default=40 * 1024 * 1024)
IMPORT_MAX_UNCOMPRESSED_BYTES = env.int("IMPORT_MAX_UNCOMPRESSED_BYTES", default=400 * 1024 * 1024)

# --- Cache and Celery ----------------------------------------------------------------------------------
REDIS_URL = env("REDIS_URL", default="")
# Redis down must be an answer at once (503 with Retry-After, throttles fail open), never a hang:
# short connect and read timeouts on the cache, the broker and the result backend.
REDIS_CONNECT_TIMEOUT = env.float("REDIS_CONNECT_TIMEOUT", default=0.5)
REDIS_SOCKET_TIMEOUT = env.float("REDIS_SOCKET_TIMEOUT", default=3.0)
# What a 503 tells the caller to wait before repeating (seconds).
SERVICE_RETRY_AFTER_SECONDS = env.int("SERVICE_RETRY_AFTER_SECONDS", default=30)
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL,
                          "OPTIONS": {"socket_connect_timeout": REDIS_CONNECT_TIMEOUT,
                                      "socket_timeout": REDIS_SOCKET_TIMEOUT}}}
    CELERY_BROKER_URL = REDIS_URL
    CELERY_RESULT_BACKEND = REDIS_URL
    CELERY_TASK_ALWAYS_EAGER = False
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    # No broker: tasks run in-process so `make run` needs no Redis.
    CELERY_BROKER_URL = "memory://"
    CELERY_RESULT_BACKEND = "cache+memory://"
    CELERY_TASK_ALWAYS_EAGER = True
    CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE

# Background jobs (jiujiang_inspect.jobs): the job row is the source of truth, the message only a nudge.
# The longest job (a 100,000-row import, the yearly report) takes minutes; the time limit bounds it, and
# the broker's visibility timeout is twice that, so a message is never redelivered while a live worker
# still runs its job. A worker that dies is noticed by its missing heartbeat, well before that.
JOBS_TIME_LIMIT_SECONDS = env.int("JOBS_TIME_LIMIT_SECONDS", default=3600)
JOBS_HEARTBEAT_SECONDS = env.float("JOBS_HEARTBEAT_SECONDS", default=10)
# A running job whose heartbeat is older than this lost its worker: the reaper re-queues or fails it.
JOBS_STALE_AFTER_SECONDS = env.int("JOBS_STALE_AFTER_SECONDS", default=120)
# A queued job not picked up this long after its message was sent (or never sent): send it again.
JOBS_RESEND_AFTER_SECONDS = env.int("JOBS_RESEND_AFTER_SECONDS", default=300)
JOBS_MAX_ATTEMPTS = env.int("JOBS_MAX_ATTEMPTS", default=3)  # claims before the reaper fails a job
JOBS_REAP_SECONDS = env.float("JOBS_REAP_SECONDS", default=60)  # how often beat runs the reaper
# Uploaded workbooks (身份证号 inside) are deleted once their import has finished; the 司法局 may keep
# them this many days (then the daily purge deletes them). A job that failed through no fault of the
# file (worker died, a bug) keeps its file for JOBS_RETRY_WINDOW_HOURS so "重新执行" can run it again.
JOBS_UPLOAD_RETENTION_DAYS = env.int("JOBS_UPLOAD_RETENTION_DAYS", default=0)
JOBS_RETRY_WINDOW_HOURS = env.int("JOBS_RETRY_WINDOW_HOURS", default=24)

CELERY_TASK_ACKS_LATE = True  # a worker dying mid-job leaves its message unacknowledged: redelivered
CELERY_TASK_REJECT_ON_WORKER_LOST = True  # a killed pool process requeues its message at once
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = JOBS_TIME_LIMIT_SECONDS
CELERY_TASK_TIME_LIMIT = JOBS_TIME_LIMIT_SECONDS + 60
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": 2 * (JOBS_TIME_LIMIT_SECONDS + 60),
    "socket_connect_timeout": REDIS_CONNECT_TIMEOUT, "socket_timeout": max(REDIS_SOCKET_TIMEOUT, 5.0),
}
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A publish while Redis is down fails within a second (the job stays queued; the reaper sends it later).
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2,
                                    "interval_max": 0.2}
CELERY_REDIS_SOCKET_CONNECT_TIMEOUT = REDIS_CONNECT_TIMEOUT
CELERY_REDIS_SOCKET_TIMEOUT = max(REDIS_SOCKET_TIMEOUT, 5.0)
CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS = {"retry_policy": {"max_retries": 1, "interval_start": 0,
                                                            "interval_step": 0.2, "interval_max": 0.2}}
# E-mail (Django's backends): SMTP in production once EMAIL_HOST is set; the console in development.
EMAIL_HOST = env("EMAIL_HOST", default="")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="jiujiang-inspect@localhost")
EMAIL_BACKEND = ("django.core.mail.backends.smtp.EmailBackend" if EMAIL_HOST or not DEBUG
                 else "django.core.mail.backends.console.EmailBackend")

# --- Outbound delivery (jiujiang_inspect.outbox, channels in jiujiang_inspect.channels; issue 14) --------
# A channel left out, or without its address, is not configured: its messages are recorded as not sent.
OUTBOX_CHANNELS = {
    "webhook": {"adapter": "webhook", "timeout": env.float("WEBHOOK_TIMEOUT_SECONDS", default=10)},
    "city_checkcode": {"adapter": "signed_post", "url": env("CITY_CHECKCODE_URL", default=""),
                       "secret": env("CITY_CHECKCODE_SECRET", default=""), "timeout": 10},
    "hotline": {"adapter": "signed_post", "url": env("HOTLINE_12345_URL", default=""),
                "secret": env("HOTLINE_12345_SECRET", default=""), "timeout": 10},
    # backend: console (log) / file (SMS_FILE_PATH, one JSON line each) / http (a generic gateway)
    "sms": {"adapter": "sms", "backend": env("SMS_BACKEND", default="console" if DEBUG else ""),
            "path": env("SMS_FILE_PATH", default=str(BASE_DIR / "var" / "sms.jsonl")),
            "url": env("SMS_GATEWAY_URL", default=""), "username": env("SMS_GATEWAY_USERNAME", default=""),
            "password": env("SMS_GATEWAY_PASSWORD", default=""),
            "templates": env.json("SMS_TEMPLATE_IDS", default={})},
    "email": {"adapter": "email"} if (DEBUG or EMAIL_HOST) else None,
}
OUTBOX_RETRY_BASE_SECONDS = env.float("OUTBOX_RETRY_BASE_SECONDS", default=30)  # first retry after ~30 s
OUTBOX_RETRY_MAX_SECONDS = env.float("OUTBOX_RETRY_MAX_SECONDS", default=3600)  # backoff cap
OUTBOX_RETRY_HORIZON_SECONDS = env.float("OUTBOX_RETRY_HORIZON_SECONDS", default=48 * 3600)  # then failed
OUTBOX_CLAIM_SECONDS = env.float("OUTBOX_CLAIM_SECONDS", default=120)  # a claimed send's lease
OUTBOX_STUCK_AFTER_SECONDS = env.int("OUTBOX_STUCK_AFTER_SECONDS", default=6 * 3600)
OUTBOX_PUMP_SECONDS = env.float("OUTBOX_PUMP_SECONDS", default=30)
# Who gets the daily e-mail when messages failed or are stuck (comma-separated addresses).
OUTBOX_ALERT_EMAILS = env.list("OUTBOX_ALERT_EMAILS", default=[])

# A dashboard read refreshes the rollups itself when they changed and are older than this (seconds).
# With a broker, beat refreshes them every minute in a worker: a read steps in only when beat has
# stopped, since at city scale recomputing a month takes seconds (issue 13: a read that refreshed timed
# out). Without one (`make run`), nothing else refreshes them.
ROLLUP_READ_MAX_AGE = env.int("ROLLUP_READ_MAX_AGE", default=600 if REDIS_URL else 60)
CELERY_BEAT_SCHEDULE = {
    "frequency-audit-monthly": {  # 02:00 on the 1st: last month's frequency audit
        "task": "supervision.tasks.frequency_audit_run_task",
        "schedule": crontab(minute=0, hour=2, day_of_month=1),
    },
    "rollups-refresh": {  # every minute: dashboard rollups from their high-water mark (no-op when unchanged)
        "task": "supervision.tasks.rollups_refresh_task",
        "schedule": 60.0,
    },
    "daily-sweeps": {  # 06:30 daily
        "task": "supervision.tasks.daily_sweeps_run_task",
        "schedule": crontab(minute=30, hour=6),
    },
    "scheduled-runs-catch-up": {  # hourly: the audit or the sweeps whose beat message was lost (Redis down)
        "task": "supervision.tasks.scheduled_runs_catch_up_task",
        "schedule": crontab(minute=45),
    },
    "jobs-reap": {  # every JOBS_REAP_SECONDS: re-send lost messages, re-queue or fail jobs of dead workers
        "task": "jiujiang_inspect.tasks.jobs_reap_task",
        "schedule": JOBS_REAP_SECONDS,
    },
    "outbox-pump": {  # every OUTBOX_PUMP_SECONDS: due outbox retries, lost delivery tasks, released chains
        "task": "jiujiang_inspect.tasks.outbox_pump_task",
        "schedule": OUTBOX_PUMP_SECONDS,
    },
    "outbox-sweep": {  # 07:00 daily: alert on failed or stuck outbound messages
        "task": "jiujiang_inspect.tasks.outbox_sweep_task",
        "schedule": crontab(minute=0, hour=7),
    },
    "job-uploads-purge": {  # 03:15 daily: uploads past their retention
        "task": "jiujiang_inspect.tasks.job_uploads_purge_task",
        "schedule": crontab(minute=15, hour=3),
    },
}

# --- REST API -------------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "jiujiang_inspect.tokens.BearerTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["jiujiang_inspect.permissions.IsStaffUser"],
    "DEFAULT_PAGINATION_CLASS": "jiujiang_inspect.api.StablePagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "EXCEPTION_HANDLER": "jiujiang_inspect.api.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "jiujiang_inspect.schema.ApiAutoSchema",
    # Per user when authenticated, per real client address otherwise (jiujiang_inspect.clientip).
    "DEFAULT_THROTTLE_CLASSES": ["jiujiang_inspect.clientip.AnonRateThrottle", "jiujiang_inspect.clientip.UserRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"anon": "120/minute", "user": "600/minute", "public_verify": "60/minute",
                               "token": "10/minute"},
    "DATETIME_FORMAT": "iso-8601",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
# Filter dropdowns read "全部" rather than "---------" everywhere (django-filter).
FILTERS_EMPTY_CHOICE_LABEL = "全部"

SPECTACULAR_SETTINGS = {
    "TITLE": "鸠江区涉企行政检查“综合查一次”系统 API",
    "DESCRIPTION": "智慧督及其他客户端对接的接口（v1）。错误体统一为 {code, message, detail}。",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Every nested TextChoices gets a stable, readable enum name in the schema (no hash suffixes).
    "ENUM_NAME_OVERRIDES": {
        "AnnualPlanKindEnum": "plans.models.AnnualPlan.Kind",
        "CheckCodeStatusEnum": "checkcode.models.CheckCode.Status",
        "RectificationStatusEnum": "checkcode.models.Rectification.Status",
        "DocumentKindEnum": "checkcode.models.DocumentKind.Kind",
        "EvidenceKindEnum": "checkcode.models.Evidence.Kind",
        "ChecklistVerdictEnum": "checkcode.serializers.CHECKLIST_VERDICTS",
        "ApiTokenScopeEnum": "jiujiang_inspect.models.ApiToken.Scope",
        "AlertSeverityEnum": "jiujiang_inspect.models.Alert.Severity",
        "AlertStatusEnum": "jiujiang_inspect.models.Alert.Status",
        "BackgroundJobStatusEnum": "jiujiang_inspect.models.BackgroundJob.Status",
        "IndustryLevelEnum": "matters.models.Industry.Level",
        "LegalBasisLevelEnum": "matters.models.LegalBasis.Level",
        "LegalBasisStatusEnum": "matters.models.LegalBasis.Status",
        "InspectionMatterStatusEnum": "matters.models.InspectionMatter.Status",
        "JointMatterListStatusEnum": "matters.models.JointMatterList.Status",
        "PublicDocumentKindEnum": "matters.models.PublicDocument.Kind",
        "BlockRuleEnum": "plans.models.Block.Rule",
        "BlockStatusEnum": "plans.models.Block.Status",
        "ReportStatusEnum": "reports.models.Report.Status",
        "AnnualPlanStatusEnum": "plans.models.AnnualPlan.Status",
        "InspectionKindEnum": "plans.models.Inspection.Kind",
        "InspectionModeEnum": "plans.models.Inspection.Mode",
        "InspectionStatusEnum": "plans.models.Inspection.Status",
        "InspectionOutcomeEnum": "plans.models.Inspection.Outcome",
        "InspectionTriggerSourceEnum": "plans.models.Inspection.TriggerSource",
        "InvitationActivityEnum": "plans.models.Invitation.Activity",
        "InvitationStatusEnum": "plans.models.Invitation.Status",
        "AgencyKindEnum": "subjects.models.Agency.Kind",
        "UserRoleEnum": "subjects.models.User.Role",
        "CertificateStatusEnum": "subjects.models.Certificate.Status",
        "CertificateStateEnum": "subjects.models.Certificate.State",
        "JobRunStatusEnum": "supervision.models.JobRun.Status",
        "HotlineTicketStatusEnum": "supervision.models.HotlineTicket.Status",
        "SupervisionCaseSourceEnum": "supervision.models.SupervisionCase.Source",
        "SupervisionCaseStatusEnum": "supervision.models.SupervisionCase.Status",
        "CaseMeasureKindEnum": "supervision.models.CaseMeasure.Kind",
        "TrainingMaterialKindEnum": "guidance.models.TrainingMaterial.Kind",
        "QuestionKindEnum": "guidance.models.Question.Kind",
        "TypicalCaseKindEnum": "guidance.models.TypicalCase.Kind",
        "TypicalCaseStatusEnum": "guidance.models.TypicalCase.Status",
        "OnlineTestModeEnum": "guidance.models.OnlineTest.Mode",
        "OnlineTestStatusEnum": "guidance.models.OnlineTest.Status",
        "TrainingSessionStatusEnum": "guidance.models.TrainingSession.Status",
        "TestAttemptStatusEnum": "guidance.models.TestAttempt.Status",
    },
}

# --- Logging ----------------------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

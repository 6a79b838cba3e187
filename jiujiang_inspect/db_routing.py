"""Read replica routing (issue 13; docs/scaling.md "Streaming replicas"): list, dashboard and export
reads go to the `replica` alias while every rule check and every write stays on the primary.

- `DATABASE_REPLICA_URL` configures the alias (jiujiang_inspect.settings); without it there is no
  `replica` and everything runs on `default`, exactly as before.
- A view opts in: `replica_reads = True` on the view function or class (the `replica_reads`
  decorator sets it); every DRF list (`ListAPIView`, a view set's `list`) is opted in. Only GET and HEAD requests
  read from the replica; `ReplicaReadsMiddleware` sets the flag for the duration of the view.
- Even then, only the domain's data is read there (`REPLICA_APPS`): sessions, users, API tokens,
  login throttling and content types stay on the primary, so a session or token created a moment ago
  always authenticates.
- Inside a transaction on the primary (every service that checks a rule runs in one, the gates under
  the enterprise lock) the router answers the primary whatever the flag: a rule never reads a
  replica that may lag.
"""
from contextlib import contextmanager
from contextvars import ContextVar

from django.db import DEFAULT_DB_ALIAS, connections

REPLICA = "replica"
#: Apps whose reads may be served by the replica (the domain's data, not accounts or sessions).
REPLICA_APPS = {"subjects", "matters", "plans", "checkcode", "guidance", "supervision", "reports"}
#: Models of those apps that stay on the primary anyway (authentication reads them).
PRIMARY_MODELS = {("subjects", "user")}
SAFE_METHODS = ("GET", "HEAD")

_reading_replica: ContextVar[bool] = ContextVar("reading_replica", default=False)


def replica_configured() -> bool:
    return REPLICA in connections.settings


def reads_from_replica() -> bool:
    """Whether this request's domain reads are being served by the replica (a read-only request: it
    must not write to the primary either, e.g. refresh the dashboard rollups)."""
    return _reading_replica.get() and replica_configured()


@contextmanager
def replica_reads_enabled():
    """Let the router send this block's domain reads to the replica (when one is configured)."""
    token = _reading_replica.set(True)
    try:
        yield
    finally:
        _reading_replica.reset(token)


def replica_reads(view):
    """Mark a view (function or class) whose GET/HEAD reads may be served by the replica: lists,
    dashboards, exports. Never a view that checks a rule or reads what it is about to write."""
    view.replica_reads = True
    return view


def _view_opts_in(view_func) -> bool:
    """Marked views, DRF list views (`ListAPIView`) and the `list` action of DRF view sets."""
    from rest_framework.generics import ListAPIView

    cls = getattr(view_func, "cls", None) or getattr(view_func, "view_class", None)
    actions = getattr(view_func, "actions", None) or {}
    return bool(getattr(view_func, "replica_reads", False) or getattr(cls, "replica_reads", False)
                or (cls is not None and issubclass(cls, ListAPIView)) or actions.get("get") == "list")


class ReplicaReadsMiddleware:
    """Turns the replica flag on around GET/HEAD requests to opted-in views (no-op without a replica)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            return self.get_response(request)
        finally:
            token = getattr(request, "_replica_token", None)
            if token is not None:
                _reading_replica.reset(token)
                request._replica_token = None

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.method in SAFE_METHODS and replica_configured() and _view_opts_in(view_func):
            request._replica_token = _reading_replica.set(True)
        return None


class ReplicaRouter:
    """Reads of the domain's data on the replica while the flag is on and no transaction is open on
    the primary; everything else on the primary. Both aliases are one database (streaming
    replication), so relations between their rows are allowed, and only the primary is migrated."""

    def db_for_read(self, model, **hints):
        if not _reading_replica.get() or not replica_configured():
            return DEFAULT_DB_ALIAS
        meta = model._meta
        if meta.app_label not in REPLICA_APPS or (meta.app_label, meta.model_name) in PRIMARY_MODELS:
            return DEFAULT_DB_ALIAS
        if connections[DEFAULT_DB_ALIAS].in_atomic_block:
            return DEFAULT_DB_ALIAS
        return REPLICA

    def db_for_write(self, model, **hints):
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == DEFAULT_DB_ALIAS

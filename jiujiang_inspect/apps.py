from django.apps import AppConfig


class JiujiangInspectConfig(AppConfig):
    """Cross-app plumbing: audit trail, API tokens, alerts. Imports no project app."""

    name = "jiujiang_inspect"
    verbose_name = "系统基础"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import checks, schema  # noqa: F401  deployment checks; the OpenAPI auth extension

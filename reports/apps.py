from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = "总结报告"
    default_auto_field = "django.db.models.BigAutoField"

from django.apps import AppConfig


class MattersConfig(AppConfig):
    name = "matters"
    verbose_name = "检查事项"
    default_auto_field = "django.db.models.BigAutoField"

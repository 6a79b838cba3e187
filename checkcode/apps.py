from django.apps import AppConfig


class CheckcodeConfig(AppConfig):
    name = "checkcode"
    verbose_name = "检查码"
    default_auto_field = "django.db.models.BigAutoField"

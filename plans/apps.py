from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "plans"
    verbose_name = "检查对象、计划与检查"
    default_auto_field = "django.db.models.BigAutoField"

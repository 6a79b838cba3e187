from django.apps import AppConfig


class GuidanceConfig(AppConfig):
    name = "guidance"
    verbose_name = "学习培训、案例指导与结果互认"
    default_auto_field = "django.db.models.BigAutoField"

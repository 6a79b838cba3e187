from django.apps import AppConfig


class SubjectsConfig(AppConfig):
    name = "subjects"
    verbose_name = "执法主体与人员"
    default_auto_field = "django.db.models.BigAutoField"

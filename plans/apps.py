from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "plans"
    verbose_name = "检查对象、计划与检查"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from jiujiang_inspect.outbox import outbox_renderer_register

        from .events import FILING_EVENTS, filing_render

        for event in FILING_EVENTS:
            outbox_renderer_register(event, filing_render)

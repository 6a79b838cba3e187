from django.apps import AppConfig


class CheckcodeConfig(AppConfig):
    name = "checkcode"
    verbose_name = "检查码"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from jiujiang_inspect.outbox import outbox_renderer_register

        from .city import CHANNEL, city_task_record
        from .events import ADVANCE_NOTICE, advance_notice_render

        outbox_renderer_register(CHANNEL, city_task_record)
        outbox_renderer_register(ADVANCE_NOTICE, advance_notice_render)

"""manage.py seed_demo: realistic 鸠江区 demo data, app by app, low to high. Idempotent."""
from importlib import import_module

from django.core.management.base import BaseCommand

# Each app that has demo data exposes demo.seed(*, stdout); order follows the app layering.
DEMO_MODULES = ["subjects.demo", "matters.demo", "plans.demo", "checkcode.demo", "guidance.demo", "supervision.demo",
                "reports.demo"]


class Command(BaseCommand):
    help = "加载鸠江区演示数据（可重复执行）。"

    def handle(self, *args, **options):
        for name in DEMO_MODULES:
            try:
                module = import_module(name)
            except ModuleNotFoundError as exc:
                if exc.name == name:
                    continue
                raise
            self.stdout.write(f"{name} …")
            module.seed(stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS("演示数据已就绪。"))

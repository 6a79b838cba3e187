"""manage.py seed_demo: realistic 鸠江区 demo data, app by app, low to high. Idempotent. It lives in
reports, the top app, because it calls every app's `demo.seed(*, stdout)` (apps import only downward)."""
from django.core.management.base import BaseCommand

import checkcode.demo
import guidance.demo
import matters.demo
import plans.demo
import reports.demo
import subjects.demo
import supervision.demo

# Order follows the app layering.
DEMO_MODULES = [subjects.demo, matters.demo, plans.demo, checkcode.demo, guidance.demo, supervision.demo,
                reports.demo]


class Command(BaseCommand):
    help = "加载鸠江区演示数据（可重复执行）。"

    def handle(self, *args, **options):
        for module in DEMO_MODULES:
            self.stdout.write(f"{module.__name__} …")
            module.seed(stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS("演示数据已就绪。"))

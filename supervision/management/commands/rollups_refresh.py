"""manage.py rollups_refresh [--full]: bring the dashboard rollups up to date (Celery beat does it every
minute). --full rebuilds every month: after rows were loaded with past change times (a bulk load, a
partial restore) that the high-water mark cannot see."""
import time

from django.core.management.base import BaseCommand

from supervision.services.rollups import rollup_refresh


class Command(BaseCommand):
    help = "刷新分析研判汇总表（--full 全部重建）。"

    def add_arguments(self, parser):
        parser.add_argument("--full", action="store_true")

    def handle(self, *args, full, **options):
        start = time.perf_counter()
        result = rollup_refresh(full=full)
        self.stdout.write(f"汇总表：{result['months']} 个月已刷新（{'全部重建' if result['full'] else '增量'}），"
                          f"{time.perf_counter() - start:.1f}s")

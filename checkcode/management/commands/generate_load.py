"""manage.py generate_load --scale district|city|province --seed N: synthetic load for the benchmarks
(bench/, issue 13; distributions in checkcode.loadgen). Refuses a database that already holds inspections
unless --force: it is meant for an empty benchmark database (e.g. jj_bench_district)."""
import time
from datetime import date

from django.core.management.base import BaseCommand, CommandError

from checkcode.loadgen import SCALES, Generator
from plans.models import Inspection


class Command(BaseCommand):
    help = "生成基准测试数据（区、市、省规模），同一种子结果相同。"

    def add_arguments(self, parser):
        parser.add_argument("--scale", choices=sorted(SCALES), default="district")
        parser.add_argument("--seed", type=int, default=13)
        parser.add_argument("--today", type=date.fromisoformat, default=None, help="YYYY-MM-DD（默认今天）")
        parser.add_argument("--enterprises", type=int, default=None, help="覆盖规模的企业数")
        parser.add_argument("--inspections", type=int, default=None, help="覆盖规模的检查数")
        parser.add_argument("--force", action="store_true", help="库中已有检查时仍然追加")

    def handle(self, *args, scale, seed, today, enterprises, inspections, force, **options):
        from django.utils import timezone

        if Inspection.objects.exists() and not force:
            raise CommandError("数据库中已有检查任务；基准数据应生成到空库（或加 --force）。")
        start = time.perf_counter()
        gen = Generator(scale=scale, seed=seed, today=today or timezone.localdate(), stdout=self.stdout,
                        enterprises=enterprises, inspections=inspections)
        counts = gen.run()
        for label, n in sorted(counts.items()):
            self.stdout.write(f"{label:40s} {n:>12,}")
        self.stdout.write(self.style.SUCCESS(f"generated {scale} (seed {seed}) in {time.perf_counter() - start:.0f}s"))

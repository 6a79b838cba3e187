"""manage.py frequency_audit --month YYYY-MM: run the monthly frequency audit in this process."""
from django.core.management.base import BaseCommand, CommandError

from jiujiang_inspect.exceptions import ApplicationError
from supervision.periods import previous_month
from supervision.services.audit import frequency_audit_run


class Command(BaseCommand):
    help = "运行月度频次监测（默认上一个月，Asia/Shanghai）。可重复运行，结果相同。"

    def add_arguments(self, parser):
        parser.add_argument("--month", help="YYYY-MM，默认上一个月")

    def handle(self, *args, **options):
        month = options.get("month") or previous_month()
        try:
            run = frequency_audit_run(month=month)
        except ApplicationError as exc:
            details = "；".join(str(m) for msgs in (exc.detail or {}).values() for m in msgs)
            raise CommandError(f"{exc.message} {details}".strip())
        counts = {k: v for k, v in run.counts.items() if isinstance(v, int) and k != "progress"}
        self.stdout.write(f"{month} 频次监测：{run.get_status_display()} {counts}")

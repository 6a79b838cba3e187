"""Demo: one summary report of the pilot's first quarter, generated like a reviewer would (through
the background job) so the report page has content. Idempotent: skipped when a report exists."""
from datetime import date

from django.utils import timezone

from guidance.models import TypicalCase
from subjects.models import User

from .models import Report
from .services import report_request


def seed(*, stdout=None, today: date | None = None):
    today = today or timezone.localdate()
    if Report.objects.exists():
        return
    by = User.objects.filter(username="sfj_shenhe").first() or User.objects.filter(is_superuser=True).first()
    if by is None:
        return
    cases = TypicalCase.objects.filter(status=TypicalCase.Status.PUBLISHED, category__in=["joint", "recognition",
                                                                                          "no_code"])
    report = report_request(by=by, period_start=date(today.year, 1, 1), period_end=today, typical_cases=cases,
                            title=f"鸠江区“综合查一次”改革试点工作总结报告（{today.year}年）")
    if stdout:
        stdout.write(f"  总结报告：已提交生成《{report.title}》")

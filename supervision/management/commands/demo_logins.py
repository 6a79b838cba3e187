from django.conf import settings
from django.core.management.base import BaseCommand

from plans.models import Enterprise
from subjects.demo import ACCOUNTS, DEMO_PASSWORD


class Command(BaseCommand):
    help = "打印演示账号。"

    def handle(self, *args, **options):
        self.stdout.write("\n演示账号（密码均为 %s）：" % DEMO_PASSWORD)
        labels = {"reviewer": "司法局审核员", "agency_admin": "单位管理员", "inspector": "执法人员"}
        for username, role, code, _display, _idx in ACCOUNTS:
            self.stdout.write(f"  {username:<14} {labels[role]}（{code}）")
        self.stdout.write("  admin          超级管理员（/admin/）")
        base = settings.PUBLIC_BASE_URL.rstrip("/")
        self.stdout.write(f"打开 {base}/ 登录；企业和公众入口：{base}/public/")
        from django.utils import timezone

        firm = (Enterprise.objects.filter(is_active=True, inspections__check_codes__isnull=False,
                                          inspections__date__year=timezone.localdate().year)
                .exclude(contact_phone="").order_by("id").first())
        if firm is not None:
            self.stdout.write(f"企业“我的检查”：{base}/e/ 输入 {firm.uscc}（{firm.name}）；"
                              f"开发环境的短信验证码打印在本终端的日志里（SMS …）。")
        self.stdout.write("")

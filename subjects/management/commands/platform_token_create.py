"""manage.py platform_token_create NAME --scopes read,hotline:write: a 智慧督 client's token.

The token is printed once, alone on the last line; only its hash is stored."""
from django.core.management.base import BaseCommand, CommandError

from jiujiang_inspect.exceptions import ApplicationError
from subjects.services import platform_client_create


class Command(BaseCommand):
    help = "为平台客户端（如智慧督）创建接口令牌，只显示一次。"

    def add_arguments(self, parser):
        parser.add_argument("name")
        parser.add_argument("--scopes", default="read", help="逗号分隔：read,hotline:write,cases:write")
        parser.add_argument("--days", type=int, default=365)

    def handle(self, *args, name, scopes, days, **options):
        scope_list = [s.strip() for s in scopes.split(",") if s.strip()]
        try:
            token, secret = platform_client_create(name=name, scopes=scope_list, days=days)
        except ApplicationError as exc:
            raise CommandError(exc.message)
        self.stderr.write(f"已创建令牌 {token.name}（{','.join(token.scopes)}），有效期至 {token.expires_at:%Y-%m-%d}。"
                          "请立即保存，令牌不会再次显示：")
        self.stdout.write(secret)

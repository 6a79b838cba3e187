"""What happens when the public opens a code page: every view is logged (time, coarse client info);
the first one moves the code from issued to shown (亮码)."""
from django.db import transaction
from django.utils import timezone

from ..models import CheckCode, CodeScan


def coarse_client(user_agent: str) -> str:
    """Browser family and platform only; the full UA string is not kept."""
    ua = (user_agent or "").lower()
    platform = next((p for k, p in (("micromessenger", "微信"), ("alipay", "支付宝"), ("iphone", "iPhone"),
                                    ("android", "Android"), ("windows", "Windows"), ("mac os", "Mac"),
                                    ("linux", "Linux")) if k in ua), "其他")
    browser = next((b for k, b in (("edg", "Edge"), ("chrome", "Chrome"), ("safari", "Safari"),
                                   ("firefox", "Firefox"), ("curl", "curl"), ("python", "脚本")) if k in ua), "")
    return f"{platform} {browser}".strip()[:120]


def ip_prefix(ip: str) -> str:
    """IPv4 /24 or IPv6 /48: enough to spot a pattern, not to identify a person."""
    ip = (ip or "").strip()
    if ":" in ip:
        return ":".join(ip.split(":")[:3]) + "::/48"
    parts = ip.split(".")
    return ".".join(parts[:3]) + ".0/24" if len(parts) == 4 else ""


@transaction.atomic
def checkcode_scan_record(*, code: CheckCode, user_agent: str = "", ip: str = "") -> CodeScan:
    scan = CodeScan.objects.create(check_code=code, client=coarse_client(user_agent), ip_prefix=ip_prefix(ip))
    if code.status == CheckCode.Status.ISSUED:
        now = timezone.now()
        # Conditional UPDATE: two first scans at once move it exactly once.
        moved = CheckCode.objects.filter(pk=code.pk, status=CheckCode.Status.ISSUED).update(
            status=CheckCode.Status.SHOWN, first_shown_at=now, updated_at=now)
        if moved:
            code.status, code.first_shown_at = CheckCode.Status.SHOWN, now
    return scan

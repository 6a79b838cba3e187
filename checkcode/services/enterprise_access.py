"""The enterprise proves itself on a phone, without an account (issue 15, "Enterprise (no login)"):
its 统一社会信用代码 plus a one-time code sent by SMS to its registered contact phone (the SMS channel of
the outbox, issue 14). Then "我的检查" and 企业反映 (举措 13)."""
import hmac
import secrets
from datetime import date, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from jiujiang_inspect.alerts import alert_raise
from jiujiang_inspect.audit import audit_record
from jiujiang_inspect.exceptions import ValidationFailed
from jiujiang_inspect.outbox import Outgoing, outbox_publish
from plans.models import Enterprise
from subjects.validators import uscc_normalise

from ..exceptions import (
    EnterpriseNotFound,
    NoContactPhone,
    VerificationExpired,
    VerificationInvalid,
    VerificationTooSoon,
)
from ..models import EnterpriseVerification, MisconductReport
from .public import ip_prefix

CODE_MINUTES = 10
MAX_ATTEMPTS = 5
RESEND_SECONDS = 60
MAX_PER_HOUR = 5
EVENT = "enterprise.verification_code"


def _hash(verification_id: int, code: str) -> str:
    return salted_hmac("checkcode.enterprise_verification", f"{verification_id}:{code}", algorithm="sha256").hexdigest()


def enterprise_verification_send(*, uscc: str, ip: str = "") -> EnterpriseVerification:
    """Send a six-digit one-time code by SMS to the registered contact phone of the enterprise `uscc`
    (typed as people type it: normalised here). The code lives `CODE_MINUTES` minutes; only a keyed
    hash is stored; the SMS is an outbox message (`enterprise.verification_code`, never sent to webhooks),
    delivered after commit.

    Limits, counted under a lock on the enterprise row: one code per `RESEND_SECONDS`, at most
    `MAX_PER_HOUR` an hour. Raises ValidationFailed (not a USCC), EnterpriseNotFound (404, not
    registered or inactive), NoContactPhone (409), VerificationTooSoon (429). Returns the new row."""
    normalised = uscc_normalise(uscc or "")
    if len(normalised) != 18:
        raise ValidationFailed(detail={"uscc": [_("请输入18位统一社会信用代码。")]})
    with transaction.atomic():
        firm = Enterprise.objects.select_for_update().filter(uscc=normalised, is_active=True).first()
        if firm is None:
            raise EnterpriseNotFound(detail={"uscc": [str(EnterpriseNotFound.default_message)]})
        phone = (firm.contact_phone or "").strip()
        if not phone:
            raise NoContactPhone()
        now = timezone.now()
        recent = list(EnterpriseVerification.objects.filter(enterprise=firm, created_at__gte=now - timedelta(hours=1))
                      .values_list("created_at", flat=True))
        waits = [(t + timedelta(seconds=RESEND_SECONDS) - now).total_seconds() for t in recent]
        if len(recent) >= MAX_PER_HOUR:
            waits.append((min(recent) + timedelta(hours=1) - now).total_seconds())
        wait = max([w for w in waits if w > 0], default=0)
        if wait:
            seconds = int(wait) + 1
            text = (_("验证码已发送，请%(n)d秒后再获取。") % {"n": seconds} if seconds < 120
                    else _("获取验证码过于频繁，请%(n)d分钟后再试。") % {"n": seconds // 60 + 1})
            raise VerificationTooSoon(text, detail={"uscc": [text], "retry_after": seconds})
        code = f"{secrets.randbelow(1_000_000):06d}"
        row = EnterpriseVerification.objects.create(enterprise=firm, phone=phone, code_hash="-", created_at=now,
                                                    expires_at=now + timedelta(minutes=CODE_MINUTES),
                                                    ip_prefix=ip_prefix(ip))
        row.code_hash = _hash(row.pk, code)
        row.save(update_fields=["code_hash"])
        text = (f"【鸠江区综合查一次】验证码{code}，{CODE_MINUTES}分钟内有效，用于查看{firm.name}的行政检查记录。"
                f"如非本单位操作，请忽略。")
        outbox_publish(EVENT, key=f"enterprise:{firm.pk}", data=None,
                       extra=[Outgoing(channel="sms", recipient=phone, payload={"text": text})])
    return row


def enterprise_verification_check(*, verification_id: int, code: str) -> EnterpriseVerification:
    """Check the code typed for `verification_id`. Digits only after NFKC (full-width digits and spaces
    are read); at most `MAX_ATTEMPTS` tries; expired or already used is refused. On success the row is
    marked verified (once). Raises VerificationExpired or VerificationInvalid (with the tries left)."""
    from jiujiang_inspect.identifiers import normalize_identifier

    typed = normalize_identifier(code or "")
    with transaction.atomic():  # the attempt is counted even when it fails: the error is raised after commit
        row = EnterpriseVerification.objects.select_for_update().select_related("enterprise").filter(
            pk=verification_id).first()
        if row is None or row.verified_at or row.expires_at <= timezone.now() or row.attempts >= MAX_ATTEMPTS:
            row = None
        else:
            row.attempts += 1
            ok = hmac.compare_digest(row.code_hash, _hash(row.pk, typed))
            if ok:
                row.verified_at = timezone.now()
            row.save(update_fields=["attempts", "verified_at"])
    if row is None:
        raise VerificationExpired(detail={"code": [str(VerificationExpired.default_message)]})
    if not ok:
        left = MAX_ATTEMPTS - row.attempts
        message = (_("验证码不正确，还可尝试%(n)d次。") % {"n": left}) if left else _("验证码不正确，请重新获取。")
        raise VerificationInvalid(message, detail={"code": [message]})
    return row


def enterprise_verification_pending(verification_id: int):
    """The verification `verification_id` if its code can still be typed (not used, not expired, tries
    left), else None: a phone that reloads the page keeps the code it already received."""
    return (EnterpriseVerification.objects.filter(pk=verification_id, verified_at__isnull=True,
                                                  expires_at__gt=timezone.now(), attempts__lt=MAX_ATTEMPTS)
            .select_related("enterprise").first())


def recognition_days() -> int:
    """How long a verified phone stays recognised (`ENTERPRISE_RECOGNITION_DAYS`, default 30)."""
    return int(getattr(settings, "ENTERPRISE_RECOGNITION_DAYS", 30))


def misconduct_report_submit(*, enterprise: Enterprise, occurred_on: date, code_shown: bool, description: str,
                             agency=None, code_text: str = "") -> MisconductReport:
    """企业反映 (举措 13; 负面清单): a recognised enterprise reports a crew's conduct, with or without a
    检查码 (the usual case: a crew that came without one). Saved, and an alert for the 区司法局 (and the
    agency, when named) that links the report; a crew without a code is a warning, anything else info.
    Raises ValidationFailed: no description (≤ 2,000 characters), a date in the future or over a year ago."""
    text = (description or "").strip()
    errors = {}
    if not text or len(text) > 2000:
        errors["description"] = [_("请说明情况（不超过2000字）。")]
    today = timezone.localdate()
    if not isinstance(occurred_on, date) or occurred_on > today or occurred_on < today - timedelta(days=366):
        errors["occurred_on"] = [_("请填写一年内、不晚于今天的日期。")]
    if errors:
        raise ValidationFailed(detail=errors)
    report = MisconductReport.objects.create(enterprise=enterprise, agency=agency, occurred_on=occurred_on,
                                             code_shown=bool(code_shown), code_text=(code_text or "").strip()[:40],
                                             description=text)
    audit_record(actor=None, action="misconduct_report.submitted", target=report, changes={
        "agency": agency.code if agency else None, "occurred_on": occurred_on, "code_shown": bool(code_shown)})
    title = (_("企业反映：%(name)s 称检查人员未出示检查码") if not code_shown
             else _("企业反映：%(name)s 反映检查行为问题")) % {"name": enterprise.name}
    alert_raise(kind="enterprise.misconduct_report", severity="warning" if not code_shown else "info",
                agency=agency, title=title[:200], message=text[:1000], enterprise_uscc=enterprise.uscc,
                target=report, source="enterprise", dedupe_key=f"misconduct:{report.pk}")
    return report

"""Daily sweeps (docs/domain.md "Supervision" → other sweeps): rectification reminders and overdue alerts,
codes never shown by the end of their window. Idempotent: alerts dedupe, reminders are stamped."""
from datetime import date, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from jiujiang_inspect.alerts import alert_raise
from jiujiang_inspect.models import Alert
from plans.services.sync import inspections_touch

from ..events import rectification_sms_publish
from ..models import CheckCode, Rectification

REMIND_DAYS_BEFORE = 3


def rectification_sweep(*, today: date) -> dict:
    """Remind 3 days before a deadline (once); an overdue rectification opens an Alert (once)."""
    pending = (Rectification.objects.filter(status__in=[Rectification.Status.OPEN, Rectification.Status.REJECTED])
               .select_related("result__inspection__enterprise", "result__inspection__initiating_agency"))
    reminded = overdue = 0
    for rect in pending.filter(deadline__gte=today, deadline__lte=today + timedelta(days=REMIND_DAYS_BEFORE),
                               reminded_at__isnull=True):
        insp = rect.result.inspection
        alert_raise(kind="rectification_due", severity="info", agency=insp.initiating_agency,
                    title=_("整改即将到期：%(name)s（%(d)s）") % {"name": insp.enterprise.name, "d": rect.deadline},
                    enterprise_uscc=insp.enterprise.uscc, target=rect, source="rectification",
                    dedupe_key=f"rect-due:{rect.pk}:{rect.deadline}")
        Rectification.objects.filter(pk=rect.pk).update(reminded_at=timezone.now())
        rectification_sms_publish(rect, overdue=False)
        reminded += 1
    for rect in pending.filter(deadline__lt=today):
        insp = rect.result.inspection
        key = f"rect-overdue:{rect.pk}:{rect.deadline}"
        if not Alert.objects.filter(dedupe_key=key).exists():  # the first sweep that finds it overdue
            rectification_sms_publish(rect, overdue=True)
        alert_raise(kind="rectification_overdue", severity="warning", agency=insp.initiating_agency,
                    title=_("整改逾期：%(name)s（期限%(d)s）") % {"name": insp.enterprise.name, "d": rect.deadline},
                    enterprise_uscc=insp.enterprise.uscc, target=rect, source="rectification",
                    dedupe_key=key)
        overdue += 1
    return {"reminded": reminded, "overdue": overdue}


def checkcode_sweep_unshown(*, now=None) -> int:
    """A code still `issued` (never shown) when its window ends becomes `expired` and opens an Alert:
    either the visit did not happen or the inspector did not show the code (负面清单)."""
    now = now or timezone.now()
    n = 0
    for code in (CheckCode.objects.filter(status=CheckCode.Status.ISSUED, valid_until__lt=now, is_late=False)
                 .select_related("inspection__enterprise", "inspection__initiating_agency")):
        CheckCode.objects.filter(pk=code.pk, status=CheckCode.Status.ISSUED).update(
            status=CheckCode.Status.EXPIRED, updated_at=now)
        inspections_touch(pk=code.inspection_id)  # its `check_code` is no longer this code
        insp = code.inspection
        alert_raise(kind="checkcode_unshown", severity="warning", agency=insp.initiating_agency,
                    title=_("检查码未亮码即过期：%(name)s %(code)s") % {"name": insp.enterprise.name, "code": code.code},
                    enterprise_uscc=insp.enterprise.uscc, target=code, source="checkcode",
                    dedupe_key=f"code-unshown:{code.pk}")
        n += 1
    return n

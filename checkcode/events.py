"""Outbound events of 检查码 and results (issue 14; docs/api.md "Webhooks"): one call per service.

Webhook `data` is the object as its API returns it (the 201 body of check-code/ for codes, of result/
for results); the city 检查码 system gets its 检查任务 record (checkcode/city.py); the enterprise's
registered contact phone gets the SMS of rectification reminders (text within SMS limits)."""
from django.utils import timezone

from jiujiang_inspect.channels import SMS_MAX_CHARS
from jiujiang_inspect.outbox import Outgoing, outbox_publish

from . import qr
from .city import city_outgoing
from .models import CheckCode
from .serializers import CheckCodeIssuedSerializer, ResultOutSerializer

ADVANCE_NOTICE = "inspection.advance_notice"


def code_event_publish(event: str, code, *, also=()) -> None:
    """check_code.issued / check_code.late / check_code.revoked: no reads, one INSERT. An issued code
    (not a late one) also sends the advance notice SMS (事前告知) unless the inspection is exempt. `also`:
    messages of the same change (a triggered filing's) written in the same INSERT."""
    extra = [*also, city_outgoing(code)]
    if event == "check_code.issued" and not code.inspection.notice_exempt_reason:
        extra.append(Outgoing(channel="sms", event=ADVANCE_NOTICE, object_key=f"inspection:{code.inspection_id}",
                              payload={"check_code_id": code.pk}))
    outbox_publish(event, key=f"check_code:{code.pk}", data=CheckCodeIssuedSerializer(code).data, extra=extra)


def advance_notice_render(message) -> dict:
    """The advance notice SMS, built when sent (registered in CheckcodeConfig.ready): to the enterprise's
    registered contact phone, with the day, the agencies, the legal basis, how it was notified and the
    code page link; within SMS_MAX_CHARS (the basis is shortened first)."""
    code = (CheckCode.objects.select_related("inspection__enterprise")
            .prefetch_related("inspection__participations__agency",
                              "inspection__participations__matters__legal_bases")
            .get(pk=message.payload["check_code_id"]))
    insp = code.inspection
    agencies = "、".join(p.agency.short_name or p.agency.name for p in insp.participations.all())
    bases = []
    for p in insp.participations.all():
        for m in p.matters.all():
            bases += [f"{b.title}{b.article}" for b in m.legal_bases.all() if f"{b.title}{b.article}" not in bases]
    head = f"【鸠江区综合查一次】{insp.enterprise.name}：{agencies}将于{insp.date:%Y年%m月%d日}到贵单位开展现场检查"
    method = f"（{insp.notice_method}告知）" if insp.notice_method else ""
    tail = f"。检查码核验：{qr.verify_url(code.code)}"
    room = SMS_MAX_CHARS - len(head) - len(method) - len(tail) - len("，依据：")
    basis = "；".join(bases)
    if len(basis) > room:
        basis = basis[:max(room - 1, 0)] + "…"
    text = head + method + (f"，依据：{basis}" if basis else "") + tail
    return {"recipient": insp.enterprise.contact_phone, "text": text[:SMS_MAX_CHARS], "check_code": code.code,
            "rendered_at": timezone.now()}


def result_event_publish(result, code=None) -> None:
    """inspection.result_recorded (to the city too when the inspection had a code: it completed)."""
    outbox_publish("inspection.result_recorded", key=f"inspection:{result.inspection_id}",
                   data=ResultOutSerializer(result).data, extra=[city_outgoing(code)] if code else [])


def rectification_sms_publish(rect, *, overdue: bool) -> None:
    """SMS to the enterprise's registered contact phone: due in 3 days, or overdue."""
    insp = rect.result.inspection
    firm = insp.enterprise
    if overdue:
        text = (f"【鸠江区综合查一次】{firm.name}：您单位的整改期限为{rect.deadline:%Y年%m月%d日}，已逾期，"
                f"请尽快完成整改并通过检查码页面报告整改情况。")
    else:
        text = (f"【鸠江区综合查一次】{firm.name}：您单位的整改将于{rect.deadline:%Y年%m月%d日}到期，"
                f"请按期完成并通过检查码页面报告整改情况。")
    event = "rectification.overdue" if overdue else "rectification.due"
    outbox_publish(event, key=f"rectification:{rect.pk}", data=None,
                   extra=[Outgoing(channel="sms", recipient=firm.contact_phone, payload={"text": text})])

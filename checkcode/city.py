"""The city 检查码 system (市检查码系统, 举措 8): the one module that maps our records to its 检查任务 record.

The city's interface is not known yet; adapting to it is this file. Each issued, revoked, late or
completed code and each result is sent as one record on the outbox channel `city_checkcode` (a signed
POST to CITY_CHECKCODE_URL, the webhook envelope `{"id", "event", "occurred_at", "data"}` with this
record as `data`). The record is built at delivery time from the current state, so the city always
receives the task as it stands (an upsert keyed by `task_id`):

```json
{
  "task_id": "JJ-<inspection id>",
  "district": "鸠江区",
  "check_code": "<检查码>", "code_status": "issued | shown | completed | closed | expired | revoked",
  "is_late": false, "late_reason": "",
  "enterprise": {"uscc": "<统一社会信用代码>", "name": "<企业名称>"},
  "agencies": [{"code": "<单位代码>", "name": "<名称>", "is_lead": true,
                "inspectors": [{"name": "<姓名>", "certificate_number": "<执法证号>"}],
                "matters": [{"code": "<事项编码>", "name": "<事项名称>",
                             "legal_bases": [{"title": "<法律法规>", "article": "<条款>"}]}]}],
  "kind": "planned | triggered | special", "mode": "onsite | ...",
  "window": {"valid_from": "<ISO +08:00>", "valid_until": "<ISO +08:00>"},
  "status": "<inspection status>",
  "result": null | {"outcome": "no_issue | rectification | case_transferred", "recorded_at": "<ISO>"}
}
```
"""
from django.utils import timezone

from jiujiang_inspect.outbox import Outgoing

from .models import CheckCode

CHANNEL = "city_checkcode"


def city_outgoing(code: CheckCode) -> Outgoing:
    """The city message of a code event (payload rendered at delivery by `city_task_record`)."""
    return Outgoing(channel=CHANNEL, payload={"check_code_id": code.pk}, object_key=f"inspection:{code.inspection_id}")


def _iso(value):
    return timezone.localtime(value).isoformat() if value else None


def city_task_record(message) -> dict:
    """Renderer of the `city_checkcode` channel (registered in CheckcodeConfig.ready)."""
    code = (CheckCode.objects.select_related("inspection__enterprise")
            .prefetch_related("inspection__participations__agency",
                              "inspection__participations__inspectors__certificate",
                              "inspection__participations__matters__legal_bases")
            .get(pk=message.payload["check_code_id"]))
    insp = code.inspection
    result = getattr(insp, "result", None)
    agencies = []
    for p in insp.participations.all():
        agencies.append({
            "code": p.agency.code, "name": p.agency.name, "is_lead": p.is_lead,
            "inspectors": [{"name": i.name, "certificate_number": getattr(getattr(i, "certificate", None), "number", "")}
                           for i in p.inspectors.all()],
            "matters": [{"code": m.code, "name": m.name,
                         "legal_bases": [{"title": b.title, "article": b.article} for b in m.legal_bases.all()]}
                        for m in p.matters.all()],
        })
    return {
        "task_id": f"JJ-{insp.pk}", "district": "鸠江区", "check_code": code.code, "code_status": code.status,
        "is_late": code.is_late, "late_reason": code.late_reason,
        "enterprise": {"uscc": insp.enterprise.uscc, "name": insp.enterprise.name},
        "agencies": agencies, "kind": insp.kind, "mode": insp.mode,
        "window": {"valid_from": _iso(code.valid_from), "valid_until": _iso(code.valid_until)},
        "status": insp.status,
        "result": {"outcome": result.outcome, "recorded_at": _iso(result.recorded_at)} if result else None,
    }

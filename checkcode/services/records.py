"""What the inspector records for the 询问笔录 and the 抽样取证（勘验）记录 (docs/documents.md "Data the
inspector records"): minimal rows the documents print. Staff of a participating agency record them,
for their own agency; each record is audited."""
from datetime import datetime

from django.db import transaction

from jiujiang_inspect import roles
from jiujiang_inspect.audit import audit_record
from jiujiang_inspect.exceptions import PermissionDeniedError, ValidationFailed
from plans.models import Inspection

from ..models import InquiryRecord, SamplingRecord

QUESTION_MARKS = ("问：", "问:")
ANSWER_MARKS = ("答：", "答:")


def qa_parse(text: str) -> list[dict]:
    """Questions and answers typed as lines "问：…" / "答：…" (a line without a mark continues the one
    before) → `[{"q", "a"}]`. Raises ValidationFailed on `qa` when nothing was asked or an answer
    comes before any question."""
    pairs, current = [], None
    for raw in (text or "").splitlines():
        line = raw.strip()
        if not line:
            continue
        if line.startswith(QUESTION_MARKS):
            current = {"q": line[2:].strip(), "a": ""}
            pairs.append(current)
        elif line.startswith(ANSWER_MARKS):
            if current is None:
                raise ValidationFailed(detail={"qa": ["请先写“问：”，再写“答：”。"]})
            current["a"] = (current["a"] + "\n" + line[2:].strip()).strip()
        elif current is not None:
            key = "a" if current["a"] else "q"
            current[key] = current[key] + "\n" + line
        else:
            raise ValidationFailed(detail={"qa": ["每个问题以“问：”开头，回答以“答：”开头。"]})
    if not pairs:
        raise ValidationFailed(detail={"qa": ["请至少记录一问一答。"]})
    return pairs


def items_parse(text: str) -> list[dict]:
    """Items typed one a line as "名称，规格，数量" (commas full- or half-width; spec and quantity
    optional) → `[{"name", "spec", "quantity"}]`."""
    items = []
    for raw in (text or "").splitlines():
        parts = [p.strip() for p in raw.replace("，", ",").split(",")]
        if parts and parts[0]:
            items.append({"name": parts[0], "spec": parts[1] if len(parts) > 1 else "",
                          "quantity": parts[2] if len(parts) > 2 else ""})
    return items


def _require_field_staff(by, inspection: Inspection):
    if roles.is_reviewer(by) or not getattr(by, "agency_id", None) or not inspection.participations.filter(
            agency_id=by.agency_id).exists():
        raise PermissionDeniedError("询问、抽样和勘验由参与检查的执法单位人员记录。")


@transaction.atomic
def inquiry_record_create(*, inspection: Inspection, by, interviewee: str, place: str, started_at: datetime,
                          qa: list[dict], position: str = "", ended_at: datetime | None = None) -> InquiryRecord:
    """Record one 询问 by `by`'s agency. Raises PermissionDeniedError, ValidationFailed (no question,
    an end before the start)."""
    _require_field_staff(by, inspection)
    if not qa or not all(isinstance(p, dict) and str(p.get("q", "")).strip() for p in qa):
        raise ValidationFailed(detail={"qa": ["请至少记录一问一答。"]})
    if ended_at is not None and ended_at < started_at:
        raise ValidationFailed(detail={"ended_at": ["询问结束时间不能早于开始时间。"]})
    record = InquiryRecord.objects.create(
        inspection=inspection, agency_id=by.agency_id, interviewee=interviewee, position=position, place=place,
        started_at=started_at, ended_at=ended_at, recorded_by=by,
        qa=[{"q": str(p["q"]).strip(), "a": str(p.get("a", "")).strip()} for p in qa])
    audit_record(actor=by, action="inquiry.recorded", target=record,
                 changes={"inspection": inspection.pk, "interviewee": interviewee, "qa": len(record.qa)})
    return record


@transaction.atomic
def sampling_record_create(*, inspection: Inspection, by, kind: str, place: str, at: datetime,
                           items: list[dict] | None = None, description: str = "") -> SamplingRecord:
    """Record one 抽样取证 or 勘验 by `by`'s agency. Raises PermissionDeniedError, ValidationFailed (a
    record with neither items nor a description)."""
    _require_field_staff(by, inspection)
    if kind not in SamplingRecord.Kind.values:
        raise ValidationFailed(detail={"kind": ["请选择抽样取证或勘验。"]})
    if not items and not (description or "").strip():
        raise ValidationFailed(detail={"items": ["请列出抽取的物品或描述勘验情况。"]})
    record = SamplingRecord.objects.create(inspection=inspection, agency_id=by.agency_id, kind=kind, place=place,
                                           at=at, items=items or [], description=description or "", recorded_by=by)
    audit_record(actor=by, action="sampling.recorded", target=record,
                 changes={"inspection": inspection.pk, "kind": kind, "items": len(record.items)})
    return record

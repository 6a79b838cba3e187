"""Results (现场检查结果), 企业评议 and 整改 → 复查 → 办结 (docs/domain.md "检查码 workflow" 5–7; 举措 13, 14)."""
from datetime import date

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jiujiang_inspect import roles
from jiujiang_inspect.alerts import alert_raise
from jiujiang_inspect.audit import audit_record
from jiujiang_inspect.exceptions import InvalidState, PermissionDeniedError, ValidationFailed
from jiujiang_inspect.uploads import CheckedUpload, stored_file_save, upload_check
from plans.exceptions import UsccMismatch
from plans.models import Inspection
from plans.services.inspections import user_may_act_for
from plans.services.triggered_filings import triggered_filing_record
from subjects.validators import uscc_normalise

from ..events import result_event_publish
from ..exceptions import CodeExpired, CodeNotIssued, EvaluationAlreadySubmitted
from ..models import CheckCode, Evaluation, Evidence, InspectionResult, Rectification, RectificationPhoto
from ..selectors import result_checklist_template

OUTCOMES = [c[0] for c in Inspection.Outcome.choices]
VERDICTS = tuple(InspectionResult.VERDICTS)
MAX_EVIDENCE_FILES = 20


def _live_code(insp):
    return insp.check_codes.filter(status__in=CheckCode.LIVE).order_by("-issued_at").first()


def _require_field_staff(user, insp):
    if not (roles.is_inspector(user) or roles.is_agency_admin(user)) or not user_may_act_for(user, insp):
        raise PermissionDeniedError(_("只有参与单位的执法人员可以录入检查结果。"))


def _clean_items(items):
    out = []
    for item in items or []:
        text = (item.get("item") if isinstance(item, dict) else str(item or "")).strip()
        if text:
            out.append({"item": text[:500]})
    return out


def _checklist(insp, submitted, outcome) -> list[dict]:
    """The submitted verdicts matched to the inspection's 检查标准 (`result_checklist_template`), as the
    snapshot the result keeps. Every standard needs a verdict; a standard of another inspection is refused."""
    template = result_checklist_template(inspection=insp)
    given = {}
    for entry in submitted:
        try:
            standard = int(entry.get("standard"))
        except (AttributeError, TypeError, ValueError):
            raise ValidationFailed(detail={"checklist": [_("检查标准核对的格式有误。")]}) from None
        given[standard] = entry
    known = {t["standard"] for t in template}
    if set(given) - known:
        raise ValidationFailed(_("核对的检查标准不属于本次检查的事项，请刷新页面后重新填写。"),
                               detail={"checklist": [_("核对的检查标准不属于本次检查的事项。")]})
    out, missing = [], []
    for t in template:
        entry = given.get(t["standard"]) or {}
        verdict, note = entry.get("verdict") or "", str(entry.get("note") or "").strip()
        if verdict not in VERDICTS:
            missing.append(t["item"])
            continue
        if len(note) > 500:
            raise ValidationFailed(detail={"checklist": [_("每项说明不能超过500字。")]})
        out.append({**t, "verdict": verdict, "note": note})
    if missing:
        message = _("请逐项核对检查标准：还有%(n)s项未选择符合、不符合或不适用（%(first)s）。") % {
            "n": len(missing), "first": missing[0]}
        raise ValidationFailed(message, detail={"checklist": [message]})
    if outcome == Inspection.Outcome.NO_ISSUE and any(i["verdict"] == "fail" for i in out):
        message = _("检查标准有不符合项，检查结果不能为“未发现问题”：请选择责令整改或移交立案。")
        raise ValidationFailed(message, detail={"outcome": [message]})
    return out


def _evidence_checked(photos, documents, signature) -> list[tuple[str, CheckedUpload]]:
    """Every file checked and re-encoded (jiujiang_inspect/uploads.py) before any row is locked."""
    files = [(Evidence.Kind.PHOTO, f, "photos") for f in photos or ()]
    files += [(Evidence.Kind.DOCUMENT, f, "documents") for f in documents or ()]
    if len(files) > MAX_EVIDENCE_FILES:
        raise ValidationFailed(_("一次最多上传%(n)s个证据文件。") % {"n": MAX_EVIDENCE_FILES},
                               detail={"photos": [_("文件过多。")]})
    checked = [(kind, upload_check(f, field=field)) for kind, f, field in files]
    if signature is not None:
        sig = upload_check(signature, field="signature", name="企业签字.png")
        if not sig.is_image:
            raise ValidationFailed(detail={"signature": [_("签字须为手写签名图片。")]})
        checked.append((Evidence.Kind.SIGNATURE, sig))
    return checked


def _signature_fields(signature, signer_name, refused, refused_note) -> dict:
    signer_name, refused_note = (signer_name or "").strip(), (refused_note or "").strip()
    if refused and signature is not None:
        raise ValidationFailed(detail={"signature": [_("已记录拒签，不能同时提交签字。")]})
    if refused and not refused_note:
        raise ValidationFailed(_("企业拒签时请写明拒签情况（如拒签人、理由、在场见证人）。"),
                               detail={"signature_refused_note": [_("请写明拒签情况。")]})
    if len(signer_name) > 50 or len(refused_note) > 2000:
        raise ValidationFailed(detail={"signer_name": [_("签字人不超过50字，拒签情况不超过2000字。")]})
    return {"signer_name": signer_name, "signature_refused": bool(refused),
            "signature_refused_note": refused_note if refused else ""}


@transaction.atomic
def result_record(*, inspection: Inspection, by, outcome: str, findings: str = "",
                  rectification: dict | None = None, checklist: list[dict] | None = None, photos=(), documents=(),
                  signature=None, signer_name: str = "", signature_refused: bool = False,
                  signature_refused_note: str = "", require_signature: bool = False) -> InspectionResult:
    """Record the result (docs/domain.md "检查码 workflow" 5; issue 15 "Recording a result"). On-site
    inspections need their live 检查码 (无码不检查, `code_not_issued`). no_issue / case_transferred close
    the inspection; rectification opens a 整改 with items and a deadline and leaves it open until the 复查.

    - `findings` (检查发现) are required for 责令整改.
    - `checklist`: None (not asked: API callers of before) or `[{"standard", "verdict", "note"}]` with a
      verdict pass / fail / na for every 检查标准 of the inspection's matters; a 不符合 item rules out
      no_issue. Stored as a snapshot of the standards' text.
    - `photos`, `documents`: uploaded files, `signature`: the representative's signature drawn on screen
      (a PNG), or `signature_refused` with `signature_refused_note` (拒签). Files are checked by content
      and re-encoded (`upload_check`: 400 `upload_type` / `upload_size`) before any row is locked, and
      stored as `Evidence` of the result in this transaction.
    - `require_signature`: on site, a signature or a noted 拒签 is required (the phone page, where the
      representative is present, asks for it; an API client that records the 笔录 on paper does not).
    One audit entry `inspection.result_recorded` names the outcome, the checklist's counts, every file
    with its SHA-256, and the signature or refusal."""
    if outcome not in OUTCOMES:
        raise ValidationFailed(detail={"outcome": [_("检查结果无效。")]})
    if len(findings or "") > 5000:
        raise ValidationFailed(detail={"findings": [_("检查情况不能超过5000字。")]})
    if outcome == Inspection.Outcome.RECTIFICATION and not (findings or "").strip():
        raise ValidationFailed(_("责令整改须写明检查发现的问题。"), detail={"findings": [_("请写明检查发现的问题。")]})
    _require_field_staff(by, inspection)  # before any file is decoded on this user's behalf
    sign = _signature_fields(signature, signer_name, signature_refused, signature_refused_note)
    files = _evidence_checked(photos, documents, signature)
    insp = Inspection.objects.select_for_update().get(pk=inspection.pk)
    if hasattr(insp, "result"):
        raise InvalidState(_("该检查已录入结果。"))
    code = None
    if insp.mode == Inspection.Mode.ONSITE:
        if require_signature and signature is None and not signature_refused:
            message = _("请企业代表在签字区签名；拒绝签名的，勾选“企业拒签”并注明情况。")
            raise ValidationFailed(message, detail={"signature": [message]})
        code = _live_code(insp)
        if code is None:
            if insp.check_codes.filter(status=CheckCode.Status.EXPIRED).exists():
                raise CodeExpired()
            raise CodeNotIssued()
        if insp.status != Inspection.Status.CODE_ISSUED:
            raise InvalidState()
    elif insp.status != Inspection.Status.APPROVED:
        raise InvalidState(_("检查须经审批后才能录入结果。"))
    items = _checklist(insp, checklist, outcome) if checklist is not None else []
    rect_items, deadline = [], None
    if outcome == Inspection.Outcome.RECTIFICATION:
        rect = rectification or {}
        rect_items, deadline = _clean_items(rect.get("items")), rect.get("deadline")
        errors = {}
        if not rect_items:
            errors["rectification.items"] = [_("责令整改须列明整改事项。")]
        if not isinstance(deadline, date) or deadline < insp.date:
            errors["rectification.deadline"] = [_("请填写不早于检查日期的整改期限。")]
        if errors:
            raise ValidationFailed(next(iter(errors.values()))[0], detail=errors)
    result = InspectionResult.objects.create(inspection=insp, outcome=outcome, findings=findings or "",
                                             checklist=items, recorded_by=by, **sign)
    for kind, checked in files:
        stored_file_save(Evidence(result=result, kind=kind), checked, by=by)
    old_status = insp.status
    closes = outcome != Inspection.Outcome.RECTIFICATION
    insp.outcome = outcome
    insp.status = Inspection.Status.CLOSED if closes else Inspection.Status.RESULT_RECORDED
    insp.save(update_fields=["outcome", "status", "updated_at"])
    if outcome == Inspection.Outcome.RECTIFICATION:
        Rectification.objects.create(result=result, items=rect_items, deadline=deadline)
    if code is not None:
        code.status = CheckCode.Status.CLOSED if closes else CheckCode.Status.COMPLETED
        code.save(update_fields=["status", "updated_at"])
    changes = {"status": [old_status, insp.status], "outcome": outcome, "rectification_items": rect_items,
               "deadline": deadline}
    if items:
        changes["checklist"] = {str(label): sum(1 for i in items if i["verdict"] == v)
                                for v, label in InspectionResult.VERDICTS.items()}
    if files:
        changes["evidence"] = _evidence_lines(files)
    if sign["signature_refused"]:
        changes["signature"] = _("拒签：%(note)s") % {"note": sign["signature_refused_note"]}
    elif signature is not None:
        changes["signature"] = _("已签字%(who)s") % {"who": f"（{sign['signer_name']}）" if sign["signer_name"] else ""}
    audit_record(actor=by, action="inspection.result_recorded", target=insp, changes=changes)
    if insp.mode != Inspection.Mode.ONSITE:  # an off-site triggered check is filed when it took place
        triggered_filing_record(inspection=insp, by=by)
    result_event_publish(result, code)
    return result


def _evidence_lines(files) -> list[str]:
    return [f"{str(Evidence.Kind(kind).label)}：{c.original_name}（SHA-256 {c.sha256[:16]}…）" for kind, c in files]


def result_evidence_add(*, inspection: Inspection, by, photos=(), documents=()) -> list[Evidence]:
    """Add photos and documents to a recorded result (issue 15: at the gate the signal is often too weak
    to upload, so the inspector adds them later). The same checks as `result_record` (field staff of a
    participating agency; each file checked by content before anything is written), one transaction, one
    audit entry `inspection.evidence_added` naming each file with the start of its SHA-256. A signature
    cannot be added afterwards: it is drawn at the gate, or the 拒签 is noted there.

    Raises PermissionDeniedError, InvalidState (no result yet), ValidationFailed (no file, too many,
    `upload_type`, `upload_size`). Returns the new `Evidence` rows."""
    _require_field_staff(by, inspection)
    files = _evidence_checked(photos, documents, None)
    if not files:
        raise ValidationFailed(detail={"photos": [_("请选择要上传的照片或资料。")]})
    with transaction.atomic():
        insp = Inspection.objects.select_for_update().get(pk=inspection.pk)
        result = InspectionResult.objects.filter(inspection=insp).first()
        if result is None:
            raise InvalidState(_("检查结果录入后才能补充证据。"))
        added = [stored_file_save(Evidence(result=result, kind=kind), checked, by=by) for kind, checked in files]
        insp.save(update_fields=["updated_at"])  # the result a client syncs lists its evidence
        audit_record(actor=by, action="inspection.evidence_added", target=insp,
                     changes={"evidence": _evidence_lines(files)})
    return added


def _proof(code: CheckCode, uscc: str):
    if uscc_normalise(uscc) != code.inspection.enterprise.uscc:
        raise UsccMismatch(_("统一社会信用代码与被检查企业不一致。"))


def evaluation_submit(*, code: CheckCode, uscc: str, rating: int, code_shown: bool, notified_in_advance: bool,
                      negative_items=(), comment: str = "") -> Evaluation:
    """企业评议 through the code page, once per code, the enterprise's uscc as proof. Anonymous to the
    inspecting agency; a rating ≤ 2 or any negative-list report opens an Alert for 司法局."""
    code = CheckCode.objects.select_related("inspection__enterprise", "inspection__initiating_agency").get(pk=code.pk)
    _proof(code, uscc)
    if not hasattr(code.inspection, "result"):
        raise InvalidState(_("检查结果录入后才能评议。"))
    try:
        rating = int(rating)
    except (TypeError, ValueError):
        rating = 0
    if not 1 <= rating <= 5:
        raise ValidationFailed(detail={"rating": [_("评分应为1至5。")]})
    if len(comment or "") > 2000:
        raise ValidationFailed(detail={"comment": [_("意见建议不能超过2000字。")]})
    try:
        with transaction.atomic():
            evaluation = Evaluation.objects.create(check_code=code, rating=rating, code_shown=bool(code_shown),
                                                   notified_in_advance=bool(notified_in_advance), comment=comment or "")
    except IntegrityError:
        raise EvaluationAlreadySubmitted() from None
    negative = list(negative_items or [])
    if negative:
        evaluation.negative_items.set(negative)
    # The actor is the anonymous enterprise: the audit names no person.
    audit_record(actor=None, action="evaluation.submitted", target=evaluation,
                 changes={"rating": rating, "negative_items": [n.code for n in negative]})
    if rating <= 2 or negative or not code_shown:
        ent = code.inspection.enterprise
        alert_raise(kind="evaluation_negative", severity="warning",
                    title=_("企业评议预警：%(name)s 评分%(r)s") % {"name": ent.name, "r": rating},
                    message=_("负面清单行为：%(items)s；出示检查码：%(shown)s；意见：%(c)s") % {
                        "items": "、".join(n.title for n in negative) or _("无"),
                        "shown": _("是") if code_shown else _("否"), "c": comment or _("无")},
                    enterprise_uscc=ent.uscc, target=evaluation, source="evaluation",
                    dedupe_key=f"evaluation:{evaluation.pk}")
    return evaluation


@transaction.atomic
def rectification_respond(*, rectification: Rectification, uscc: str, response: str, files=()) -> Rectification:
    """The enterprise reports its 整改 through the code page (uscc as proof, or the phone it proved
    itself on: the view passes the recognised firm's uscc), with up to 10 photos or PDFs (issue 15: "the
    rectification response takes photos"), each checked by content before anything is written
    (`jiujiang_inspect.uploads`; 400 `upload_type` / `upload_size`). One transaction, the rectification
    row locked. Raises UsccMismatch, InvalidState (nothing to respond to now), ValidationFailed."""
    files = list(files or ())
    if len(files) > 10:
        raise ValidationFailed(detail={"files": [_("附件不能超过10个。")]})
    checked = [upload_check(f, field="files") for f in files]
    rect = Rectification.objects.select_for_update().select_related("result__inspection__enterprise").get(
        pk=rectification.pk)
    if uscc_normalise(uscc) != rect.result.inspection.enterprise.uscc:
        raise UsccMismatch(_("统一社会信用代码与被检查企业不一致。"))
    if rect.status not in (Rectification.Status.OPEN, Rectification.Status.REJECTED):
        raise InvalidState(_("当前整改状态不需要反馈。"))
    if not (response or "").strip() or len(response) > 5000:
        raise ValidationFailed(detail={"response": [_("请填写整改情况（不超过5000字）。")]})
    old = rect.status
    rect.status, rect.enterprise_response, rect.responded_at = Rectification.Status.RESPONDED, response, timezone.now()
    rect.save(update_fields=["status", "enterprise_response", "responded_at", "updated_at"])
    for item in checked:
        stored_file_save(RectificationPhoto(rectification=rect), item)
    audit_record(actor=None, action="rectification.responded", target=rect, changes={
        "status": [old, "responded"], **({"files": [c.original_name for c in checked]} if checked else {})})
    return rect


@transaction.atomic
def rectification_verify(*, rectification: Rectification, by, passed: bool, note: str = "",
                         new_deadline: date | None = None) -> Rectification:
    """复查 by the inspector (does not count toward caps: no new slot is taken). Passed → closed, and the
    inspection and its code are closed; failed → back to the enterprise with a new deadline."""
    rect = Rectification.objects.select_for_update().select_related("result__inspection").get(pk=rectification.pk)
    insp = rect.result.inspection
    _require_field_staff(by, insp)
    if rect.status not in (Rectification.Status.OPEN, Rectification.Status.RESPONDED):
        raise InvalidState(_("当前整改状态不能复查。"))
    old = rect.status
    rect.verified_by, rect.verified_at, rect.verification_note = by, timezone.now(), note or ""
    if passed:
        rect.status = Rectification.Status.CLOSED
        insp.status = Inspection.Status.CLOSED
        insp.save(update_fields=["status", "updated_at"])
        insp.check_codes.filter(status=CheckCode.Status.COMPLETED).update(status=CheckCode.Status.CLOSED,
                                                                           updated_at=timezone.now())
    else:
        if not isinstance(new_deadline, date) or new_deadline < timezone.localdate():
            raise ValidationFailed(detail={"new_deadline": [_("复查未通过须给出新的整改期限。")]})
        rect.status, rect.deadline, rect.reminded_at = Rectification.Status.REJECTED, new_deadline, None
    rect.save()
    audit_record(actor=by, action="rectification.verified" if passed else "rectification.rejected", target=rect,
                 changes={"status": [old, rect.status], "deadline": rect.deadline}, reason=note)
    return rect

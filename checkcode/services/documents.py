"""Issuing 行政检查文书: numbers, storage, corrections and the batch job (docs/documents.md).

A document is issued once per (inspection, kind): its number is taken, its HTML and PDF rendered and
stored with the PDF's SHA-256, all in one transaction. Asking again returns the stored document
unchanged, so a later change to the data never alters a document already served; a correction is a
new version under the same number, rendered from the data as it is then.
"""
import hashlib

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from jiujiang_inspect import roles
from jiujiang_inspect.audit import audit_record
from jiujiang_inspect.exceptions import InvalidState, PermissionDeniedError, ValidationFailed
from jiujiang_inspect.jobs import job_create, job_progress
from plans.models import Inspection
from plans.services.inspections import user_may_act_for

from ..documents import (
    body_html,
    document_context,
    inspection_for_documents,
    kind_unavailable_reason,
    pdf_bytes,
)
from ..exceptions import DocumentNotAvailable
from ..models import DocumentCounter, DocumentKind, IssuedDocument

Kind = DocumentKind.Kind
BATCH_JOB = "checkcode.services.documents.documents_batch_job"


def document_may_issue(user, inspection: Inspection) -> bool:
    """Documents are issued in the name of the inspecting agencies: staff of a participating agency
    only. The 区司法局 reviewer reads them but issues none (docs/api.md, acts the law gives to an agency)."""
    return not roles.is_reviewer(user) and user_may_act_for(user, inspection)


def _require_issuer(user, inspection):
    if not document_may_issue(user, inspection):
        raise PermissionDeniedError("文书由参与检查的执法单位人员出具。")


def document_number_take(*, agency, kind: str, year: int) -> int:
    """The next serial of (agency, kind, year): no gaps, no duplicates (docs/documents.md "Numbers").

    Call inside the transaction that stores the document: the counter row is created if missing
    (INSERT … ON CONFLICT DO NOTHING, so two first issuers never collide) and then locked with
    select_for_update, so concurrent issuers queue on it and a rollback returns the number."""
    DocumentCounter.objects.bulk_create([DocumentCounter(agency=agency, kind=kind, year=year)], ignore_conflicts=True)
    counter = DocumentCounter.objects.select_for_update().get(agency=agency, kind=kind, year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return counter.last


def document_kind_get(kind: str) -> DocumentKind:
    """The editable title and number word of `kind` (rows created by migration checkcode 0005)."""
    if kind not in Kind.values:
        raise ValidationFailed(detail={"kind": [f"未知的文书种类：{kind}。"]})
    obj, _created = DocumentKind.objects.get_or_create(kind=kind, defaults={"title": Kind(kind).label, "word": "检"})
    return obj


def _store(*, inspection, dk, number, serial, year, by, version=1, supersedes=None, reason="") -> IssuedDocument:
    issued_at = timezone.now()
    ctx = document_context(inspection, dk.kind, number=number, title=dk.title, issued_on=timezone.localdate(issued_at))
    if version > 1:
        ctx["correction"] = {"version": version, "reason": reason}
    body = body_html(ctx)
    pdf = pdf_bytes(body=body, title=dk.title, number=number)
    doc = IssuedDocument(inspection=inspection, kind=dk.kind, title=dk.title, agency=inspection.initiating_agency,
                         year=year, serial=serial, number=number, version=version, to_enterprise=dk.to_enterprise,
                         html=body, sha256=hashlib.sha256(pdf).hexdigest(), supersedes=supersedes,
                         correction_reason=reason, issued_by=by if getattr(by, "pk", None) else None,
                         issued_at=issued_at)
    doc.pdf.save(f"{inspection.pk}-{dk.kind}-v{version}.pdf", ContentFile(pdf), save=False)
    doc.save()
    audit_record(actor=by, action="document.corrected" if supersedes else "document.issued", target=doc,
                 changes={"inspection": inspection.pk, "kind": dk.kind, "number": number, "version": version,
                          "sha256": doc.sha256},
                 reason=reason, agency_code=inspection.initiating_agency.code)
    return doc


def document_latest(*, inspection: Inspection, kind: str) -> IssuedDocument | None:
    return IssuedDocument.objects.filter(inspection=inspection, kind=kind).order_by("-version").first()


@transaction.atomic
def document_issue(*, inspection: Inspection, kind: str, by) -> tuple[IssuedDocument, bool]:
    """Issue the `kind` document of `inspection`, or return the one already issued (stable on
    regeneration). Returns (document, created).

    The number is the initiating agency's (the lead of a joint inspection): 机关代字 + the kind's word
    +〔year〕+ serial + 号, the year being the issuing day's in Asia/Shanghai. The inspection row is
    locked first, so two requests for the same document issue it once.
    Raises PermissionDeniedError (not a participating agency's staff), ValidationFailed (unknown
    kind), DocumentNotAvailable (409: the data the kind prints does not exist yet)."""
    dk = document_kind_get(kind)
    _require_issuer(by, inspection)
    Inspection.objects.select_for_update().filter(pk=inspection.pk).first()
    existing = document_latest(inspection=inspection, kind=kind)
    if existing is not None:
        return existing, False
    insp = inspection_for_documents(inspection.pk)
    reason = kind_unavailable_reason(insp, kind)
    if reason:
        raise DocumentNotAvailable(reason, detail={"kind": kind})
    agency = insp.initiating_agency
    year = timezone.localdate().year
    serial = document_number_take(agency=agency, kind=kind, year=year)
    number = f"{agency.doc_prefix}{dk.word}〔{year}〕{serial}号"
    return _store(inspection=insp, dk=dk, number=number, serial=serial, year=year, by=by), True


@transaction.atomic
def document_correct(*, document: IssuedDocument, by, reason: str) -> IssuedDocument:
    """更正: a new version of the latest document of its kind, same number, rendered from today's data,
    marked as replacing the earlier one (which stays stored and listed). Audited with the reason.
    Raises InvalidState when `document` is not the latest version, ValidationFailed without a reason."""
    if not (reason or "").strip():
        raise ValidationFailed(detail={"reason": ["请说明更正原因。"]})
    _require_issuer(by, document.inspection)
    Inspection.objects.select_for_update().filter(pk=document.inspection_id).first()
    latest = document_latest(inspection=document.inspection, kind=document.kind)
    if latest.pk != document.pk:
        raise InvalidState("只能更正最新版本的文书。")
    dk = document_kind_get(document.kind)
    insp = inspection_for_documents(document.inspection_id)
    return _store(inspection=insp, dk=dk, number=latest.number, serial=latest.serial, year=latest.year, by=by,
                  version=latest.version + 1, supersedes=latest, reason=reason.strip())


def documents_available(*, inspection: Inspection) -> dict[str, str]:
    """{kind: "" if it can be issued now, else why not}, in the national order of the kinds."""
    insp = inspection_for_documents(inspection.pk)
    return {kind: kind_unavailable_reason(insp, kind) for kind in Kind.values}


def documents_batch_queue(*, inspection: Inspection, by):
    """Queue the issue of every kind the inspection's data allows as a background job with progress
    (jiujiang_inspect.jobs). Raises PermissionDeniedError, or ServiceUnavailable when Redis is down."""
    _require_issuer(by, inspection)
    return job_create(kind=BATCH_JOB, by=by, params={"inspection": inspection.pk})


def documents_batch_job(*, job) -> dict:
    """Background job body of `documents_batch_queue`: one transaction per document, so a document
    already issued stays issued if a later one fails, and a re-run issues only what is missing.
    The 送达回证 comes last, listing what was served."""
    inspection = Inspection.objects.get(pk=job.params["inspection"])
    kinds = [k for k, why in documents_available(inspection=inspection).items() if not why]
    if Kind.SERVICE_RECEIPT not in kinds and any(document_kind_get(k).to_enterprise for k in kinds):
        kinds.append(Kind.SERVICE_RECEIPT)
    kinds.sort(key=lambda k: k == Kind.SERVICE_RECEIPT)
    issued = 0
    for n, kind in enumerate(kinds, start=1):
        _doc, created = document_issue(inspection=inspection, kind=kind, by=job.created_by)
        issued += created
        job_progress(job, done=n, total=len(kinds))
    return {"message": f"已出具 {issued} 份文书（共 {len(kinds)} 类）。", "inspection": inspection.pk, "issued": issued}


@transaction.atomic
def document_kind_update(*, kind: DocumentKind, by, **fields) -> DocumentKind:
    """The 司法局 reviewer edits a kind's printed title, its number word and whether the enterprise
    sees it (`title`, `word`, `to_enterprise`). Numbers already issued keep the word they were issued
    with. Audited. Raises PermissionDeniedError for anyone but a reviewer, ValidationFailed on blanks."""
    roles.require(by, roles.REVIEWER)
    allowed = {"title", "word", "to_enterprise"}
    errors = {k: ["不能修改该字段。"] for k in fields if k not in allowed}
    errors.update({k: ["不能为空。"] for k in ("title", "word") if k in fields and not str(fields[k]).strip()})
    if errors:
        raise ValidationFailed(detail=errors)
    before = {k: getattr(kind, k) for k in fields}
    for key, value in fields.items():
        setattr(kind, key, value.strip() if isinstance(value, str) else value)
    kind.save()
    changes = {k: [before[k], getattr(kind, k)] for k in fields if before[k] != getattr(kind, k)}
    if changes:
        audit_record(actor=by, action="document_kind.updated", target=kind, changes=changes)
    return kind

"""Pages of the 行政检查文书 (docs/documents.md): the inspection's documents panel (issue one, issue all
as a background job with progress, correct, record a 询问 or an 抽样/勘验), the print view and PDF of an issued document, an
unnumbered preview, and the enterprise's view through its code page. Every write calls a service;
an issued document is shown from what was stored, never re-rendered."""
from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from jiujiang_inspect.exceptions import ApplicationError, ValidationFailed
from jiujiang_inspect.web import staff_required
from plans.selectors.inspections import inspection_list_for_user

from .. import selectors, services
from ..documents import body_html, document_context, inspection_for_documents, kind_unavailable_reason
from ..forms import DocumentCorrectForm, InquiryForm, SamplingForm
from ..models import DocumentKind, IssuedDocument
from ..services import records

#: The URL kinds of the three pages printed before issue 16, kept so old links still work.
OLD_KINDS = {"record": "onsite_record", "result": "result_notice"}


def _inspection(request, pk):
    return get_object_or_404(inspection_list_for_user(user=request.user), pk=pk)


def _document(request, pk):
    doc = selectors.document_get_for_user(user=request.user, pk=pk)
    if doc is None:
        raise Http404
    return doc


def _pdf(doc):
    return FileResponse(doc.pdf.open("rb"), content_type="application/pdf", filename=f"{doc.number}.pdf")


@staff_required
def documents_panel(request, pk):
    """The documents of an inspection: per kind, the issued versions or why it cannot be issued yet.
    Loaded into the inspection page by htmx (the fragment) and reachable as a page of its own."""
    insp = _inspection(request, pk)
    available = services.documents_available(inspection=insp)
    issued = {}
    for doc in selectors.document_list_for_inspection(inspection=insp).order_by("version"):
        issued.setdefault(doc.kind, []).append(doc)
    titles = dict(DocumentKind.objects.values_list("kind", "title"))
    rows = [{"kind": k, "title": titles.get(k, DocumentKind.Kind(k).label), "why": why, "docs": issued.get(k, [])}
            for k, why in available.items()]
    ctx = {"inspection": insp, "rows": rows, "may_issue": services.document_may_issue(request.user, insp),
           "correct_form": DocumentCorrectForm(), "inquiry_form": InquiryForm(prefix="inq"),
           "sampling_form": SamplingForm(prefix="smp")}
    template = "checkcode/documents/panel.html" if request.headers.get("HX-Request") else "checkcode/documents/page.html"
    return render(request, template, ctx)


@staff_required
@require_POST
def document_issue(request, pk):
    insp = _inspection(request, pk)
    try:
        doc, created = services.document_issue(inspection=insp, kind=request.POST.get("kind", ""), by=request.user)
    except ApplicationError as exc:
        messages.error(request, f"未能出具：{exc.message}")
        return redirect("checkcode:documents", pk=pk)
    messages.success(request, f"已出具{doc.title}（{doc.number}）。" if created else f"{doc.title}已出具（{doc.number}），未重新生成。")
    return redirect("checkcode:document_view", pk=doc.pk)


@staff_required
@require_POST
def documents_batch(request, pk):
    """出具全部: every kind the data allows, in Celery, with the job's progress bar."""
    insp = _inspection(request, pk)
    try:
        job = services.documents_batch_queue(inspection=insp, by=request.user)
    except ApplicationError as exc:
        messages.error(request, f"未能出具：{exc.message}")
        return redirect("checkcode:documents", pk=pk)
    return redirect("job_status", pk=job.pk)


@staff_required
@require_POST
def document_correct(request, pk):
    doc = _document(request, pk)
    form = DocumentCorrectForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationFailed(detail={"reason": ["请说明更正原因。"]})
        new = services.document_correct(document=doc, by=request.user, reason=form.cleaned_data["reason"])
    except ApplicationError as exc:
        messages.error(request, f"未能更正：{exc.message}")
        return redirect("checkcode:documents", pk=doc.inspection_id)
    messages.success(request, f"已出具更正版（第 {new.version} 版，{new.number}）。")
    return redirect("checkcode:document_view", pk=new.pk)


@staff_required
@require_GET
def document_view(request, pk):
    """The print view of an issued document: the stored body, with the site's document stylesheet."""
    doc = _document(request, pk)
    later = IssuedDocument.objects.filter(inspection_id=doc.inspection_id, kind=doc.kind, version__gt=doc.version).exists()
    return render(request, "checkcode/documents/print.html", {"doc": doc, "superseded": later,
                                                              "pdf_url_name": "checkcode:document_pdf"})


@staff_required
@require_GET
def document_pdf(request, pk):
    return _pdf(_document(request, pk))


@staff_required
@require_GET
def document_preview(request, pk, kind):
    """样稿: what the kind would print from today's data, unnumbered and not stored."""
    kind = OLD_KINDS.get(kind, kind)
    if kind not in DocumentKind.Kind.values:
        raise Http404
    insp = inspection_for_documents(_inspection(request, pk).pk)
    why = kind_unavailable_reason(insp, kind)
    dk = DocumentKind.objects.filter(kind=kind).first()
    title = dk.title if dk else DocumentKind.Kind(kind).label
    body = "" if why else body_html(document_context(insp, kind, number="（样稿，未编号）", title=title,
                                                     issued_on=timezone.localdate()))
    return render(request, "checkcode/documents/preview.html", {"inspection": insp, "title": title, "why": why,
                                                                "body": body})


def _public_document(code, pk):
    obj = selectors.checkcode_get_by_string(code)
    if obj is None:
        raise Http404
    doc = next((d for d in selectors.document_list_for_code(code=obj) if d.pk == pk), None)
    if doc is None:
        raise Http404
    return obj, doc


@never_cache
@require_GET
def public_document_view(request, code, pk):
    """A document addressed to the enterprise, through its code page (whoever holds the code)."""
    obj, doc = _public_document(code, pk)
    return render(request, "checkcode/documents/print.html", {"doc": doc, "public_code": obj.code,
                                                              "superseded": hasattr(doc, "superseded_by")})


@never_cache
@require_GET
def public_document_pdf(request, code, pk):
    _obj, doc = _public_document(code, pk)
    return _pdf(doc)


@staff_required
@require_POST
def inquiry_add(request, pk):
    """记录询问: the 询问笔录 becomes available once one exists."""
    insp = _inspection(request, pk)
    form = InquiryForm(request.POST, prefix="inq")
    try:
        if not form.is_valid():
            raise ValidationFailed(detail={k: list(v) for k, v in form.errors.items()})
        data = form.cleaned_data
        records.inquiry_record_create(inspection=insp, by=request.user, interviewee=data["interviewee"],
                                      position=data["position"], place=data["place"], started_at=data["started_at"],
                                      ended_at=data["ended_at"], qa=records.qa_parse(data["qa"]))
    except ApplicationError as exc:
        messages.error(request, f"未能保存询问记录：{_explain(exc)}")
    else:
        messages.success(request, "询问记录已保存，可以出具询问笔录。")
    return redirect("checkcode:documents", pk=pk)


@staff_required
@require_POST
def sampling_add(request, pk):
    """记录抽样取证或勘验: the 抽样取证（勘验）记录 becomes available once one exists."""
    insp = _inspection(request, pk)
    form = SamplingForm(request.POST, prefix="smp")
    try:
        if not form.is_valid():
            raise ValidationFailed(detail={k: list(v) for k, v in form.errors.items()})
        data = form.cleaned_data
        records.sampling_record_create(inspection=insp, by=request.user, kind=data["kind"], place=data["place"],
                                       at=data["at"], items=records.items_parse(data["items"]),
                                       description=data["description"])
    except ApplicationError as exc:
        messages.error(request, f"未能保存抽样或勘验记录：{_explain(exc)}")
    else:
        messages.success(request, "抽样或勘验记录已保存。")
    return redirect("checkcode:documents", pk=pk)


def _explain(exc: ApplicationError) -> str:
    fields = [str(m) for msgs in (exc.detail or {}).values() if isinstance(msgs, list) for m in msgs]
    return "；".join(fields) if fields else exc.message

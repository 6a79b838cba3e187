"""Public pages (no login, phone-first): look up a code, verify it, evaluate, respond to 整改; QR
images. The verdict is the first thing on the page (docs/ui.md)."""
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from jiujiang_inspect.clientip import client_ip
from jiujiang_inspect.exceptions import ApplicationError

from .. import qr, selectors, services
from ..enterprise_access import recognised_enterprise
from ..forms import EvaluationForm, LookupForm, RectificationResponseForm, without_uscc
from ..models import Rectification, RectificationPhoto


def _place(form, exc):
    placed = False
    for field, msgs in (exc.detail or {}).items():
        if field in form.fields:
            for m in msgs if isinstance(msgs, list) else [msgs]:
                form.add_error(field, str(m))
                placed = True
    if not placed:
        form.add_error(None, exc.message)


def _unknown():
    verdict = selectors.checkcode_verdict(None)
    return {"verdict": verdict, "verdict_label": selectors.VERDICTS[verdict], "valid_now": False}


def public_lookup(request):
    """检查码查验: type a code (or arrive from the QR with it in the URL)."""
    form = LookupForm(request.GET or None)
    if request.GET and form.is_valid():
        code = selectors.checkcode_get_by_string(form.cleaned_data["code"])
        if code is not None:
            return redirect("checkcode:public_code", code=code.code)
        return render(request, "checkcode/public_code.html", {**_unknown(),
                                                               "lookup_form": form}, status=404)
    return render(request, "checkcode/public_lookup.html", {"form": form})


@never_cache
def public_code(request, code):
    """The code page: verdict, who is coming and why, the enterprise's remaining quota, the result,
    and (after the result) evaluation and rectification response. Every GET is logged as a scan."""
    obj = selectors.checkcode_get_by_string(code)
    if obj is None:
        return render(request, "checkcode/public_code.html", {**_unknown(),
                                                               "lookup_form": LookupForm()}, status=404)
    if obj.code != code:
        return redirect("checkcode:public_code", code=obj.code)
    firm = recognised_enterprise(request)
    known = firm is not None and firm.pk == obj.inspection.enterprise_id
    posted = request.POST.get("form")
    eval_form = EvaluationForm(request.POST if posted == "evaluation" else None, prefix="ev")
    resp_form = RectificationResponseForm(request.POST if posted == "response" else None,
                                          request.FILES if posted == "response" else None, prefix="rs")
    if known:  # proved on this phone by SMS: the USCC is not asked again
        without_uscc(eval_form), without_uscc(resp_form)
    if request.method == "POST":
        try:
            if posted == "evaluation" and eval_form.is_valid():
                data = {**eval_form.cleaned_data, "uscc": firm.uscc} if known else eval_form.cleaned_data
                services.evaluation_submit(code=obj, **data)
                return redirect(reverse("checkcode:public_code", args=[obj.code]) + "?done=evaluation")
            if posted == "response" and resp_form.is_valid():
                rect = Rectification.objects.get(result__inspection=obj.inspection)
                data = {**resp_form.cleaned_data, "uscc": firm.uscc} if known else resp_form.cleaned_data
                services.rectification_respond(rectification=rect, **data)
                return redirect(reverse("checkcode:public_code", args=[obj.code]) + "?done=response")
        except ApplicationError as exc:
            _place(eval_form if posted == "evaluation" else resp_form, exc)
        obj = selectors.checkcode_get_by_string(code)
    else:
        services.checkcode_scan_record(code=obj, user_agent=request.META.get("HTTP_USER_AGENT", ""),
                                       ip=client_ip(request))
    view = selectors.checkcode_public_view(obj)
    return render(request, "checkcode/public_code.html", {
        **view, "view": view, "eval_form": eval_form, "resp_form": resp_form, "done": request.GET.get("done"),
        "recognised": known,
        # The firm's own 整改 photos, only to the phone that proved it is the firm (not to anyone with the code).
        # What the inspectors checked, standard by standard (issue 15: the firm sees everything about its
        # own inspections), to the firm's own phone only.
        "checklist": (getattr(getattr(obj.inspection, "result", None), "checklist", None) or []) if known else [],
        "rectification_photos": list(RectificationPhoto.objects.filter(
            rectification__result__inspection=obj.inspection)) if known else [],
        "documents": selectors.document_list_for_code(code=obj)})


@require_GET
def qr_png(request, code):
    obj = selectors.checkcode_get_by_string(code)
    if obj is None:
        return HttpResponse(status=404)
    return HttpResponse(qr.qr_png(obj.code), content_type="image/png",
                        headers={"Cache-Control": "public, max-age=86400"})


@require_GET
def qr_svg(request, code):
    obj = selectors.checkcode_get_by_string(code)
    if obj is None:
        return HttpResponse(status=404)
    return HttpResponse(qr.qr_svg(obj.code), content_type="image/svg+xml",
                        headers={"Cache-Control": "public, max-age=86400"})


def rectification_photo(request, pk):
    """One 整改 photo, to the phone that proved it is the firm, or to staff who may see the inspection
    (the 复查); never via /media/."""
    from django.core.exceptions import PermissionDenied
    from django.shortcuts import get_object_or_404

    from jiujiang_inspect.uploads import stored_file_response
    from plans.selectors.inspections import inspection_list_for_user

    photo = get_object_or_404(RectificationPhoto.objects.select_related("rectification__result"), pk=pk)
    inspection_id = photo.rectification.result.inspection_id
    firm = recognised_enterprise(request)
    allowed = (firm is not None and firm.pk == photo.rectification.result.inspection.enterprise_id) or (
        request.user.is_authenticated
        and inspection_list_for_user(user=request.user).filter(pk=inspection_id).exists())
    if not allowed:
        raise PermissionDenied
    return stored_file_response(photo)

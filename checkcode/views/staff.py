"""Staff pages of the 检查码: code list, full-screen QR, printable code card (the 行政检查文书 are in
`documents`), and the POST endpoints behind the inspection page's buttons (issue, late
code, revoke) and the 整改复查 list (the result page is results.py). Every action calls a service."""
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from jiujiang_inspect.excel import workbook_response
from jiujiang_inspect.exceptions import ApplicationError, ValidationFailed
from jiujiang_inspect.web import staff_required
from plans.models import Inspection
from plans.selectors.inspections import inspection_for_action, inspection_list_for_user

from .. import qr, selectors, services
from ..filters import CheckCodeListFilterSet, RectificationFilterSet
from ..forms import ReasonForm, VerifyForm
from ..models import Evidence


def _inspection(request, pk):
    return get_object_or_404(inspection_list_for_user(user=request.user), pk=pk)


def _inspection_to_act_on(request, pk):
    """A bare row (one query): the issuing services lock and re-read it with what they need."""
    try:
        return inspection_for_action(user=request.user, pk=pk)
    except Inspection.DoesNotExist:
        raise Http404 from None


def _back(pk):
    return redirect("plans:inspection_detail", pk=pk)


def _refused(request, exc):
    detail = exc.detail.get("errors") if isinstance(exc.detail, dict) else None
    text = exc.message if not detail or len(detail) < 2 else "；".join(e["message"] for e in detail)
    messages.error(request, f"未能完成：{text}")


def _local(dt):
    return timezone.localtime(dt).strftime("%Y-%m-%d %H:%M") if dt else ""


CODE_HEADERS = ["检查码", "状态", "事后补码", "企业", "统一社会信用代码", "检查日期", "发起单位", "有效期起", "有效期至",
                "赋码时间", "赋码人", "首次亮码", "撤销原因"]


@staff_required
def code_list(request):
    base = selectors.checkcode_list_for_user(user=request.user).order_by("-issued_at", "-id")
    f = CheckCodeListFilterSet(request.GET, queryset=base)
    if request.GET.get("export") == "xlsx":
        rows = ([c.code, c.get_status_display(), "是" if c.is_late else "否", c.inspection.enterprise.name,
                 c.inspection.enterprise.uscc, c.inspection.date, c.inspection.initiating_agency.name,
                 _local(c.valid_from), _local(c.valid_until), _local(c.issued_at), str(c.issued_by),
                 _local(c.first_shown_at), c.revoked_reason] for c in f.qs.iterator(chunk_size=500))
        return workbook_response(f"检查码_{timezone.localdate():%Y%m%d}.xlsx", [("检查码", CODE_HEADERS, rows)])
    page = Paginator(f.qs, 50).get_page(request.GET.get("page"))
    return render(request, "checkcode/code_list.html", {"filter": f, "page": page})


def _code_for(request, code):
    return get_object_or_404(selectors.checkcode_list_for_user(user=request.user), code=code)


@staff_required
def code_show(request, code):
    """亮码 (issue 15): the QR, the code, its validity window and the inspectors' names, full-screen
    (Fullscreen API) with the screen kept on (Wake Lock) where the browser has them; today's own code is
    kept on the phone by the service worker (/sw.js) for offline display."""
    obj = _code_for(request, code)
    return render(request, "checkcode/code_show.html", {"code": obj, "verify_url": qr.verify_url(obj.code),
                                                        "show": selectors.checkcode_show_view(code=obj, user=request.user)})


@staff_required
def code_card(request, code):
    obj = _code_for(request, code)
    view = selectors.checkcode_public_view(selectors.checkcode_get_by_string(obj.code))
    return render(request, "checkcode/code_card.html", {"code": obj, "view": view, "verify_url": qr.verify_url(obj.code)})


@staff_required
@require_POST
def issue(request, pk):
    insp = _inspection_to_act_on(request, pk)
    try:
        code = services.checkcode_issue(inspection=insp, issued_by=request.user)
    except ApplicationError as exc:
        _refused(request, exc)
        return _back(pk)
    messages.success(request, f"已赋检查码 {code.code}。")
    return redirect("checkcode:code_show", code=code.code)


@staff_required
@require_POST
def late_code(request, pk):
    insp = _inspection_to_act_on(request, pk)
    form = ReasonForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationFailed(detail={"reason": ["请说明紧急原因。"]})
        code = services.checkcode_issue_late(inspection=insp, issued_by=request.user, reason=form.cleaned_data["reason"])
    except ApplicationError as exc:
        _refused(request, exc)
        return _back(pk)
    messages.success(request, f"已事后补码 {code.code}（标记为补码）。")
    return _back(pk)


@staff_required
@require_POST
def revoke(request, code):
    obj = _code_for(request, code)
    form = ReasonForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationFailed(detail={"reason": ["请说明撤销原因。"]})
        services.checkcode_revoke(code=obj, by=request.user, reason=form.cleaned_data["reason"])
    except ApplicationError as exc:
        _refused(request, exc)
    else:
        messages.success(request, "检查码已撤销。")
    return _back(obj.inspection_id)


RECTIFICATION_HEADERS = ["企业", "统一社会信用代码", "检查日期", "发起单位", "整改事项", "整改期限", "状态",
                         "企业反馈", "反馈时间", "复查意见", "复查时间"]


def _items_text(items):
    return "；".join(str(it.get("item", "")) if isinstance(it, dict) else str(it) for it in items or [])


@staff_required
def rectification_list(request):
    params = request.GET.copy()
    if "status" not in params:
        params["status"] = "pending"
    base = selectors.rectification_list_for_user(user=request.user).order_by("status", "deadline", "id")
    f = RectificationFilterSet(params, queryset=base)
    if request.GET.get("export") == "xlsx":
        rows = ([r.result.inspection.enterprise.name, r.result.inspection.enterprise.uscc, r.result.inspection.date,
                 r.result.inspection.initiating_agency.name, _items_text(r.items), r.deadline, r.get_status_display(),
                 r.enterprise_response, _local(r.responded_at), r.verification_note, _local(r.verified_at)]
                for r in f.qs.iterator(chunk_size=500))
        return workbook_response(f"整改复查_{timezone.localdate():%Y%m%d}.xlsx",
                                 [("整改复查", RECTIFICATION_HEADERS, rows)])
    # The inspection's photos on each card (issue 15 "整改复查 on a phone"): one query for the page.
    photos = Prefetch("result__evidence", queryset=Evidence.objects.filter(kind=Evidence.Kind.PHOTO).order_by("id"))
    page = Paginator(f.qs.prefetch_related(photos), 50).get_page(request.GET.get("page"))
    return render(request, "checkcode/rectification_list.html", {
        "filter": f, "page": page, "form": VerifyForm(), "today": timezone.localdate()})


@staff_required
@require_POST
def rectification_verify(request, pk):
    rect = get_object_or_404(selectors.rectification_list_for_user(user=request.user), pk=pk)
    form = VerifyForm(request.POST)
    if form.is_valid():
        try:
            services.rectification_verify(rectification=rect, by=request.user, **form.cleaned_data)
        except ApplicationError as exc:
            _refused(request, exc)
        else:
            messages.success(request, "复查结果已保存。")
    else:
        messages.error(request, "请选择复查结论。")
    return redirect(request.POST.get("next") or "checkcode:rectification_list")

"""预警与阻断 pages: the alert list (acknowledge, resolve, open a case) and the block list (override)."""
from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from jiujiang_inspect.excel import workbook_response
from jiujiang_inspect.exceptions import ApplicationError
from jiujiang_inspect.models import Alert
from jiujiang_inspect.web import reviewer_required
from plans.services.blocks import block_override

from ..filters import AlertFilterSet, BlockFilterSet
from ..forms import NoteForm, ReasonForm
from ..selectors import lists
from ..services.alerts import alert_open_case, alert_set_status, alerts_set_status
from .common import alert_links


@reviewer_required
def alert_list(request):
    params = request.GET.copy()
    if "status" not in params:
        params["status"] = "open"
    f = AlertFilterSet(params, queryset=lists.alert_list_for_user(user=request.user).order_by("-created_at", "-id"))
    if request.GET.get("export") == "xlsx":
        rows = ([a.created_at.astimezone(timezone.get_current_timezone()).strftime("%Y-%m-%d %H:%M"),
                 a.get_severity_display(), a.kind, a.title, a.agency.name if a.agency else "", a.enterprise_uscc,
                 a.get_status_display(), a.handling_note] for a in f.qs[:20000])
        return workbook_response(f"预警_{timezone.localdate():%Y%m%d}.xlsx", [(
            "预警", ["产生时间", "级别", "类型", "标题", "单位", "企业", "状态", "处理说明"], rows)])
    page = Paginator(f.qs.select_related("agency", "target_type", "handled_by"), 50).get_page(request.GET.get("page"))
    alert_links(page.object_list)
    return render(request, "supervision/alert_list.html", {"filter": f, "page": page, "note_form": NoteForm()})


def _back(request) -> str:
    """The list page the form came from (a local `next`), else the alert list."""
    next_url = request.POST.get("next") or ""
    if next_url and url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()},
                                                    require_https=request.is_secure()):
        return next_url
    return reverse("supervision:alert_list")


@reviewer_required
@require_POST
def alert_bulk(request):
    """批量处理: the checked alerts to 已知悉 or 已处理 (with one note) through alerts_set_status."""
    ids = [int(x) for x in request.POST.getlist("alert") if x.isdigit()]
    next_url = _back(request)
    if not ids:
        messages.error(request, "请先勾选要处理的预警。")
        return redirect(next_url)
    try:
        counts = alerts_set_status(alert_ids=ids, by=request.user, status=request.POST.get("action", ""),
                                   note=request.POST.get("note", ""))
    except ApplicationError as exc:
        detail = "；".join(str(m) for v in (exc.detail or {}).values() if isinstance(v, list) for m in v)
        messages.error(request, f"{exc.message} {detail}".strip())
    else:
        skipped = f"，{counts['skipped']} 条状态不允许，未改动" if counts["skipped"] else ""
        messages.success(request, f"已处理 {counts['changed']} 条预警{skipped}。")
    return redirect(next_url)


@reviewer_required
@require_POST
def alert_action(request, pk):
    alert = get_object_or_404(Alert, pk=pk)
    action = request.POST.get("action")
    note = request.POST.get("note", "")
    try:
        if action == "open_case":
            case = alert_open_case(alert=alert, by=request.user)
            messages.success(request, f"已立案：{case.title}")
            return redirect("supervision:case_detail", pk=case.pk)
        alert_set_status(alert=alert, by=request.user, status=action, note=note)
    except ApplicationError as exc:
        detail = "；".join(str(m) for v in (exc.detail or {}).values() if isinstance(v, list) for m in v)
        messages.error(request, f"{exc.message} {detail}".strip())
    else:
        messages.success(request, "预警状态已更新。")
    return redirect(_back(request))


@reviewer_required
def block_list(request):
    params = request.GET.copy()
    if "status" not in params:
        params["status"] = "active"
    f = BlockFilterSet(params, queryset=lists.block_list().order_by("-created_at", "-id"))
    if request.GET.get("export") == "xlsx":
        rows = ([b.enterprise.name, b.enterprise.uscc, b.agency.name if b.agency else "",
                 b.inspector.name if b.inspector else "", b.get_rule_display(), b.reason, b.source, b.starts_on,
                 b.ends_on, b.get_status_display(), b.override_reason, str(b.overridden_by or "")]
                for b in f.qs.iterator(chunk_size=500))
        return workbook_response(f"阻断_{timezone.localdate():%Y%m%d}.xlsx", [(
            "阻断", ["企业", "统一社会信用代码", "限定单位", "限定人员", "规则", "原因", "来源", "开始", "结束", "状态",
                   "解除原因", "解除人"], rows)])
    page = Paginator(f.qs, 50).get_page(request.GET.get("page"))
    return render(request, "supervision/block_list.html", {"filter": f, "page": page, "form": ReasonForm()})


@reviewer_required
@require_POST
def block_override_view(request, pk):
    block = get_object_or_404(lists.block_list(), pk=pk)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, "解除阻断必须说明理由。")
    else:
        try:
            block_override(block=block, by=request.user, reason=form.cleaned_data["reason"])
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, f"已解除阻断：{block}")
    return redirect(request.POST.get("next") or "supervision:block_list")

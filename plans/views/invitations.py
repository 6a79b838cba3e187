"""邀约 pages (举措 13): list with filters, create form, detail with the actions allowed now and the
audit history, and the public page where the enterprise accepts or declines with its 统一社会信用代码.
Every action calls plans.services.invitations."""
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from jiujiang_inspect import roles
from jiujiang_inspect.audit import audit_history
from jiujiang_inspect.excel import workbook_response
from jiujiang_inspect.exceptions import ApplicationError
from jiujiang_inspect.web import apply_errors, staff_required

from ..filters import InvitationFilterSet
from ..forms import InvitationForm, InvitationReasonForm, PublicInvitationForm
from ..models import Invitation
from ..selectors.invitations import invitation_list_for_user
from ..services import invitations as services

STATUS_CSS = {"proposed": "status-waiting", "accepted": "status-active", "declined": "status-refused",
              "done": "status-done"}
ACTIONS = {"accept": (services.invitation_accept, "已记录企业同意。"),
           "decline": (services.invitation_decline, "已记录企业拒绝。"),
           "done": (services.invitation_done, "已登记此次走访。")}


def _may_act(user, inv) -> bool:
    return roles.is_reviewer(user) or (roles.is_staff_member(user) and user.agency_id == inv.agency_id)


@staff_required
def invitation_list(request):
    base = invitation_list_for_user(user=request.user).order_by("-date", "-id")
    f = InvitationFilterSet(request.GET, queryset=base)
    if request.GET.get("export") == "xlsx":
        rows = [[i.pk, i.date, i.enterprise.name, i.enterprise.uscc, i.agency.name, i.get_activity_display(),
                 i.purpose, "是" if i.invited_by_enterprise else "否", i.get_status_display()] for i in f.qs]
        return workbook_response(f"邀约_{timezone.localdate():%Y%m%d}.xlsx", [(
            "邀约", ["编号", "日期", "企业", "统一社会信用代码", "单位", "活动类型", "事由", "企业主动邀约", "状态"], rows)])
    page = Paginator(f.qs, 50).get_page(request.GET.get("page"))
    return render(request, "plans/invitation_list.html", {
        "filter": f, "page": page, "status_css": STATUS_CSS,
        "can_create": bool(request.user.agency_id) and not roles.is_reviewer(request.user)})


@staff_required
def invitation_create(request):
    if not request.user.agency_id or roles.is_reviewer(request.user):
        messages.error(request, "只有执法单位的工作人员可以登记邀约。")
        return redirect("plans:invitation_list")
    form = InvitationForm(request.POST or None, initial={"enterprise": request.GET.get("enterprise", "")})
    if request.method == "POST" and form.is_valid():
        try:
            inv = services.invitation_create(by=request.user, agency=request.user.agency, **form.cleaned_data)
        except ApplicationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "邀约已登记。" if inv.status == "accepted" else
                             "邀约已登记，请将确认链接发给企业，企业同意后才能登记走访。")
            return redirect("plans:invitation_detail", pk=inv.pk)
    return render(request, "plans/invitation_form.html", {"form": form, "title": "登记邀约"})


@staff_required
def invitation_detail(request, pk):
    inv = get_object_or_404(invitation_list_for_user(user=request.user), pk=pk)
    may = _may_act(request.user, inv)
    return render(request, "plans/invitation_detail.html", {
        "invitation": inv, "status_css": STATUS_CSS, "history": audit_history(inv)[:50],
        "can_answer": may and inv.status == Invitation.Status.PROPOSED,
        "can_done": may and inv.status == Invitation.Status.ACCEPTED,
        "public_url": request.build_absolute_uri(
            reverse("plans:public_invitation", args=[services.invitation_public_token(inv)]))})


@staff_required
@require_POST
def invitation_action(request, pk, action):
    if action not in ACTIONS:
        raise Http404
    inv = get_object_or_404(invitation_list_for_user(user=request.user), pk=pk)
    service, done = ACTIONS[action]
    form = InvitationReasonForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        if action == "done":
            service(invitation=inv, by=request.user)
        else:
            service(invitation=inv, by=request.user, reason=reason)
    except ApplicationError as exc:
        messages.error(request, f"未能完成：{exc.message}")
    else:
        messages.success(request, done)
    return redirect("plans:invitation_detail", pk=pk)


@never_cache
def public_invitation(request, token):
    """No login: the enterprise reads who wants to visit and why, and accepts or declines."""
    inv = services.invitation_from_public_token(token)
    if inv is None:
        return render(request, "plans/invitation_public.html", {"invitation": None}, status=404)
    form = PublicInvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.invitation_respond_public(invitation=inv, uscc=d["uscc"], accept=d["answer"] == "accept",
                                               reason=d["reason"])
        except ApplicationError as exc:
            apply_errors(form, exc)
        else:
            return redirect(reverse("plans:public_invitation", args=[token]) + "?done=1")
        inv.refresh_from_db()
    return render(request, "plans/invitation_public.html", {
        "invitation": inv, "form": form, "status_css": STATUS_CSS, "done": request.GET.get("done")})

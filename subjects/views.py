"""HTML pages for agencies, inspectors, accounts, platform tokens (智慧督 and other clients: reviewers
create, see once, and revoke them), webhook subscriptions and the outbox (外发消息, with replay). Views shape input and show service errors."""
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from jiujiang_inspect import roles
from jiujiang_inspect.audit import audit_history
from jiujiang_inspect.excel import template_response, workbook_response
from jiujiang_inspect.exceptions import ApplicationError
from jiujiang_inspect.models import ApiToken, OutboundMessage, WebhookSubscription
from jiujiang_inspect.outbox import event_label, outbox_counts, outbox_replay
from jiujiang_inspect.tokens import api_token_revoke
from jiujiang_inspect.web import (
    apply_errors,
    manager_required,
    reviewer_required,
    staff_required,
    upload_job_start,
)
from jiujiang_inspect.webhooks import (
    webhook_subscription_create,
    webhook_subscription_delete,
    webhook_subscription_rotate_secret,
    webhook_subscription_update,
)

from . import imports, selectors, services
from .filters import AgencyFilterSet, InspectorFilterSet, OutboundMessageFilterSet, UserFilterSet
from .forms import (
    AgencyForm,
    CertificateStatusForm,
    InspectorForm,
    PlatformTokenForm,
    UploadForm,
    UserForm,
    WebhookSubscriptionForm,
)
from .models import Agency, Inspector, User


@staff_required
def agency_list(request):
    f = AgencyFilterSet(request.GET, queryset=selectors.agency_list().order_by("code"))
    if request.GET.get("export") == "xlsx":
        rows = ([a.code, a.name, a.short_name, a.get_kind_display(), a.entrusting_agency.name if a.entrusting_agency else "",
                 a.uscc, a.power_basis, "是" if a.is_town else "否", "有效" if a.is_active else "停用"]
                for a in f.qs.iterator(chunk_size=500))
        return workbook_response(f"执法主体_{timezone.localdate():%Y%m%d}.xlsx", [(
            "执法主体", ["单位代码", "单位名称", "简称", "主体类型", "委托机关", "统一社会信用代码", "职权依据", "镇（街道）",
                     "状态"], rows)])
    page = Paginator(f.qs, 50).get_page(request.GET.get("page"))
    return render(request, "subjects/agency_list.html", {"filter": f, "page": page})


@staff_required
def agency_detail(request, code):
    agency = get_object_or_404(selectors.agency_list(), code=code)
    inspectors = None
    if roles.is_reviewer(request.user) or request.user.agency_id == agency.pk:
        inspectors = agency.inspectors.select_related("certificate").order_by("name")
    return render(request, "subjects/agency_detail.html", {
        "agency": agency, "inspectors": inspectors, "history": audit_history(agency)[:50],
        "can_edit": roles.is_reviewer(request.user)})


@reviewer_required
def agency_edit(request, code=None):
    agency = get_object_or_404(Agency, code=code) if code else None
    form = AgencyForm(request.POST or None, instance=agency)
    if request.method == "POST" and form.is_valid():
        data = {k: form.cleaned_data[k] for k in form.Meta.fields}
        try:
            if agency:
                agency = services.agency_update(agency=Agency.objects.get(pk=agency.pk), by=request.user, **data)
            else:
                data.pop("is_active", None)
                agency = services.agency_create(by=request.user, **data)
        except ApplicationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "已保存执法主体信息。")
            return redirect("subjects:agency_detail", code=agency.code)
    return render(request, "subjects/form.html", {"form": form, "title": "编辑执法主体" if agency else "新增执法主体"})


@manager_required
def inspector_list(request):
    base = selectors.inspector_list_for_user(user=request.user)
    f = InspectorFilterSet(request.GET, queryset=base.order_by("agency__code", "name", "id"))
    if request.GET.get("export") == "xlsx":
        return workbook_response(f"执法人员_{timezone.localdate():%Y%m%d}.xlsx",
                                 [("执法人员", imports.EXPORT_HEADERS, imports.inspector_export_rows(f.qs))])
    page = Paginator(f.qs, 50).get_page(request.GET.get("page"))
    return render(request, "subjects/inspector_list.html", {"filter": f, "page": page, "today": timezone.localdate()})


def _inspector_for(request, pk) -> Inspector:
    return get_object_or_404(selectors.inspector_list_for_user(user=request.user), pk=pk)


@manager_required
def inspector_detail(request, pk):
    inspector = _inspector_for(request, pk)
    status_form = CertificateStatusForm(request.POST or None)
    if request.method == "POST" and hasattr(inspector, "certificate") and status_form.is_valid():
        try:
            services.certificate_set_status(certificate=inspector.certificate, by=request.user,
                                            status=status_form.cleaned_data["status"],
                                            reason=status_form.cleaned_data["reason"])
        except ApplicationError as exc:
            apply_errors(status_form, exc)
        else:
            messages.success(request, "证件状态已更新。")
            return redirect("subjects:inspector_detail", pk=inspector.pk)
    return render(request, "subjects/inspector_detail.html", {
        "inspector": inspector, "status_form": status_form, "history": audit_history(inspector)[:50]})


def _agencies_for(user):
    qs = Agency.objects.filter(is_active=True)
    return qs if roles.is_reviewer(user) else qs.filter(pk=user.agency_id)


@manager_required
def inspector_edit(request, pk=None):
    inspector = _inspector_for(request, pk) if pk else None
    initial = {}
    if inspector:
        cert = getattr(inspector, "certificate", None) if hasattr(inspector, "certificate") else None
        initial = {"agency": inspector.agency, "name": inspector.name, "phone": inspector.phone,
                   "position": inspector.position, "is_helper": inspector.is_helper}
        if cert:
            initial |= {"certificate_number": cert.number, "certificate_issuer": cert.issuer,
                        "certificate_field": cert.field, "certificate_valid_from": cert.valid_from,
                        "certificate_valid_until": cert.valid_until}
    elif request.user.agency_id:
        initial = {"agency": request.user.agency}
    form = InspectorForm(request.POST or None, initial=initial, agencies=_agencies_for(request.user),
                         editing=bool(inspector))
    if request.method == "POST" and form.is_valid():
        try:
            if inspector:
                inspector = services.inspector_update(inspector=inspector, by=request.user,
                                                      certificate=form.certificate_data(), **form.inspector_data())
            else:
                inspector = services.inspector_create(by=request.user, certificate=form.certificate_data(),
                                                      **form.inspector_data())
        except ApplicationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "已保存执法人员信息。")
            return redirect("subjects:inspector_detail", pk=inspector.pk)
    return render(request, "subjects/form.html", {"form": form, "title": "编辑执法人员" if inspector else "登记执法人员"})


@manager_required
def inspector_import(request):
    if request.GET.get("template"):
        return template_response("执法人员导入模板.xlsx", [("执法人员", imports.SPEC, imports.TEMPLATE_EXAMPLE)])
    form = UploadForm(request.POST or None, request.FILES or None)
    started = upload_job_start(request, form, kind="subjects.imports.inspectors_import")
    if started:
        return started
    return render(request, "subjects/import.html", {"form": form, "headers": list(imports.HEADERS)})


@manager_required
def user_list(request):
    users = selectors.user_list_for_user(user=request.user).exclude(role=User.Role.PLATFORM)
    f = UserFilterSet(request.GET, queryset=users)
    if request.GET.get("export") == "xlsx":
        rows = ([u.username, u.display_name, u.get_role_display(), u.agency.name if u.agency_id else "",
                 "启用" if u.is_active else "停用",
                 timezone.localtime(u.last_login).strftime("%Y-%m-%d %H:%M") if u.last_login else ""]
                for u in f.qs.iterator(chunk_size=500))
        return workbook_response(f"账号_{timezone.localdate():%Y%m%d}.xlsx",
                                 [("账号", ["用户名", "姓名", "角色", "单位", "状态", "最近登录"], rows)])
    page = Paginator(f.qs, 50).get_page(request.GET.get("page"))
    return render(request, "subjects/user_list.html", {"page": page, "filter": f})


@manager_required
def user_edit(request, pk=None):
    """New or changed account: reviewers any, an agency admin its own inspectors' logins."""
    user = get_object_or_404(selectors.user_list_for_user(user=request.user), pk=pk) if pk else None
    form = UserForm(request.POST or None, instance=user, by=request.user)
    if request.method == "POST" and form.is_valid():
        data = {k: form.cleaned_data[k] for k in ["display_name", "role", "agency", "inspector", "is_active"]}
        try:
            if user:
                services.user_update(user=User.objects.get(pk=user.pk), by=request.user,
                                     password=form.cleaned_data["password"] or None, **data)
            else:
                services.user_create(by=request.user, username=form.cleaned_data["username"],
                                     password=form.cleaned_data["password"], **data)
        except ApplicationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "账号已保存。")
            return redirect("subjects:user_list")
    return render(request, "subjects/form.html", {"form": form, "title": "编辑账号" if user else "新建账号"})


@reviewer_required
def token_list(request):
    form = PlatformTokenForm(request.POST or None)
    secret = None
    if request.method == "POST" and form.is_valid():
        try:
            _token, secret = services.platform_client_create(
                name=form.cleaned_data["name"], scopes=form.cleaned_data["scopes"], by=request.user,
                days=form.cleaned_data["days"])
        except ApplicationError as exc:
            apply_errors(form, exc)
        else:
            form = PlatformTokenForm()
    tokens = ApiToken.objects.filter(user__role="platform").select_related("user", "created_by")
    return render(request, "subjects/token_list.html", {"form": form, "tokens": tokens, "secret": secret})


@reviewer_required
def token_revoke(request, pk):
    token = get_object_or_404(ApiToken, pk=pk, user__role="platform")
    if request.method == "POST" and token.revoked_at is None:
        api_token_revoke(token=token, by=request.user, reason=request.POST.get("reason", ""))
        messages.success(request, f"已撤销令牌“{token.name}”。")
    return redirect("subjects:token_list")


class PasswordChangeView(auth_views.PasswordChangeView):
    """修改密码 (/accounts/password/): Django's own form; afterwards the first-login requirement is met."""

    template_name = "registration/password_change.html"
    success_url = "/"

    def form_valid(self, form):
        response = super().form_valid(form)
        services.user_password_changed(user=form.user)
        messages.success(self.request, "密码已修改。")
        return response


def _webhook_page(request, form, secret=None, secret_for=None):
    subs = list(WebhookSubscription.objects.order_by("-id"))
    for s in subs:
        s.event_labels = ["全部事件" if e == "*" else event_label(e) for e in s.events]
    return render(request, "subjects/webhook_list.html",
                  {"form": form, "subscriptions": subs, "secret": secret, "secret_for": secret_for})


@reviewer_required
def webhook_list(request):
    """事件订阅: receivers of outbound events (智慧督 and others); the secret is shown once."""
    form = WebhookSubscriptionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            sub, secret = webhook_subscription_create(by=request.user, **form.cleaned_data)
        except ApplicationError as exc:
            apply_errors(form, exc)
        else:
            return _webhook_page(request, WebhookSubscriptionForm(), secret, sub)
    return _webhook_page(request, form)


@reviewer_required
def webhook_action(request, pk, act):
    sub = get_object_or_404(WebhookSubscription, pk=pk)
    if request.method != "POST":
        return redirect("subjects:webhook_list")
    if act == "rotate":
        sub, secret = webhook_subscription_rotate_secret(subscription=sub, by=request.user)
        return _webhook_page(request, WebhookSubscriptionForm(), secret, sub)
    if act == "toggle":
        webhook_subscription_update(subscription=sub, by=request.user, is_active=not sub.is_active)
        messages.success(request, f"已{'停用' if sub.is_active else '启用'}“{sub.name}”。")
    elif act == "delete":
        webhook_subscription_delete(subscription=sub, by=request.user)
        messages.success(request, f"已删除订阅“{sub.name}”。")
    return redirect("subjects:webhook_list")


@reviewer_required
def outbox_list(request):
    """外发消息: counts per channel and status, the filtered list, and replay of the ticked ones."""
    if request.method == "POST":
        ids = [int(v) for v in request.POST.getlist("ids") if v.isdigit()]
        n = outbox_replay(messages=list(OutboundMessage.objects.filter(pk__in=ids)), by=request.user)
        messages.success(request, f"已重新发送 {n} 条消息。")
        return redirect(request.get_full_path())
    f = OutboundMessageFilterSet(request.GET, queryset=OutboundMessage.objects.order_by("-id"))
    page = Paginator(f.qs if f.is_valid() else OutboundMessage.objects.none(), 50).get_page(request.GET.get("page"))
    for m in page.object_list:
        m.event_label = event_label(m.event)
    labels = dict(OutboundMessage.Status.choices)
    counts = [(label, [(labels[s], n, s) for s, n in outbox_counts().get(c, {}).items()])
              for c, label in OutboundMessage.Channel.choices]
    return render(request, "subjects/outbox_list.html", {"filter": f, "page": page, "counts": counts})

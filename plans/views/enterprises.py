"""Enterprise registry pages: list with filter bar and Excel export, detail with pool history, this
year's inspections and remaining quota, pool moves, import, and the cap-policy page."""
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from jiujiang_inspect import roles
from jiujiang_inspect.audit import audit_history
from jiujiang_inspect.db_routing import replica_reads
from jiujiang_inspect.excel import check_xlsx_upload, template_response, workbook_response
from jiujiang_inspect.exceptions import ApplicationError
from jiujiang_inspect.jobs import job_create
from jiujiang_inspect.web import apply_errors, job_redirect, reviewer_required, staff_required
from subjects.validators import uscc_normalise

from .. import imports
from ..filters import EnterpriseFilterSet
from ..forms import CapPolicyForm, EnterpriseForm, EnterpriseImportForm, PoolMoveForm
from ..models import CapPolicy, FrequencyPolicy
from ..selectors import enterprises as selectors
from ..selectors.quota import enterprise_quota
from ..services import caps, enterprises, pools


def _can_edit_registry(user):
    return roles.is_reviewer(user) or roles.is_agency_admin(user)


SORTS = {"uscc": ("uscc",), "name": ("name", "uscc"), "town": ("town", "uscc"),
         "credit_class": ("credit_class", "uscc"), "pool": ("pool", "uscc"), "updated": ("-updated_at", "uscc")}

SORT_COLUMNS = [("name", "名称"), ("uscc", "统一社会信用代码"), ("town", "镇（街道）"), ("", "行业"),
                ("credit_class", "信用"), ("pool", "对象库")]


@replica_reads
@staff_required
def enterprise_list(request):
    """对象库与频次 (the reviewer's menu): the registry with its filter bar and sortable columns."""
    sort = request.GET.get("sort") if request.GET.get("sort") in SORTS else "uscc"
    f = EnterpriseFilterSet(request.GET, queryset=selectors.enterprise_list().order_by(*SORTS[sort]))
    if request.GET.get("export") == "xlsx":
        return workbook_response(f"检查对象_{timezone.localdate():%Y%m%d}.xlsx",
                                 [("检查对象", imports.EXPORT_HEADERS, imports.enterprise_export_rows(f.qs))])
    page = Paginator(f.qs, 50).get_page(request.GET.get("page"))
    return render(request, "plans/enterprise_list.html", {
        "filter": f, "page": page, "sort": sort, "sort_columns": SORT_COLUMNS, "can_edit": _can_edit_registry(request.user),
        "is_reviewer": roles.is_reviewer(request.user)})


def _year(request):
    raw = request.GET.get("year", "")
    return int(raw) if raw.isdigit() and 2000 <= int(raw) <= 2100 else timezone.localdate().year


@staff_required
def enterprise_detail(request, uscc):
    enterprise = get_object_or_404(selectors.enterprise_list(), uscc=uscc_normalise(uscc))
    year = _year(request)
    return render(request, "plans/enterprise_detail.html", {
        "enterprise": enterprise, "year": year, "quota": enterprise_quota(enterprise=enterprise, year=year),
        "pool_history": selectors.enterprise_pool_history(enterprise=enterprise),
        "inspections": selectors.enterprise_inspections_in_year(enterprise=enterprise, year=year),
        "plans": selectors.enterprise_plans_in_year(enterprise=enterprise, year=year),
        "pool_form": PoolMoveForm() if roles.is_reviewer(request.user) else None,
        "can_edit": _can_edit_registry(request.user), "history": audit_history(enterprise)[:50]})


def _editor_required(request):
    if not _can_edit_registry(request.user):
        raise PermissionDenied


@staff_required
def enterprise_create(request):
    _editor_required(request)
    form = EnterpriseForm(request.POST or None, reviewer=roles.is_reviewer(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            e = enterprises.enterprise_create(by=request.user, **form.cleaned_data)
        except ApplicationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "已登记检查对象。")
            return redirect("plans:enterprise_detail", uscc=e.uscc)
    return render(request, "plans/registry_form.html", {"form": form, "title": "登记检查对象"})


@staff_required
def enterprise_edit(request, uscc):
    _editor_required(request)
    enterprise = get_object_or_404(selectors.enterprise_list(), uscc=uscc_normalise(uscc))
    initial = {k: getattr(enterprise, k) for k in ("uscc", "name", "town", "address", "size", "credit_class",
                                                    "joins_joint", "contact_name", "contact_phone", "is_active")}
    initial["industry"] = enterprise.industry
    form = EnterpriseForm(request.POST or None, initial=initial, editing=True)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data.pop("uscc", None)
        try:
            enterprises.enterprise_update(enterprise=enterprise, by=request.user, **data)
        except ApplicationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "已保存。")
            return redirect("plans:enterprise_detail", uscc=enterprise.uscc)
    return render(request, "plans/registry_form.html", {"form": form, "title": f"编辑检查对象：{enterprise.name}"})


@require_POST
@reviewer_required
def enterprise_pool_move(request, uscc):
    enterprise = get_object_or_404(selectors.enterprise_list(), uscc=uscc_normalise(uscc))
    form = PoolMoveForm(request.POST)
    if form.is_valid():
        try:
            pools.enterprise_pool_move(enterprise=enterprise, by=request.user, **form.cleaned_data)
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, f"已调入{enterprise.__class__.objects.get(pk=enterprise.pk).get_pool_display()}。")
    else:
        messages.error(request, "请选择对象库并填写调整原因。")
    return redirect("plans:enterprise_detail", uscc=enterprise.uscc)


@staff_required
def enterprise_import(request):
    _editor_required(request)
    if request.GET.get("template"):
        return template_response("检查对象导入模板.xlsx", [("检查对象", imports.SPEC, imports.TEMPLATE_EXAMPLE)])
    form = EnterpriseImportForm(request.POST or None, request.FILES or None)
    if not roles.is_reviewer(request.user):
        del form.fields["accept_checksum_warning"]
    if request.method == "POST" and form.is_valid():
        try:
            check_xlsx_upload(form.cleaned_data["file"])
        except ApplicationError as exc:
            apply_errors(form, exc)
        else:
            job = job_create(kind="plans.imports.enterprises_import", by=request.user, upload=form.cleaned_data["file"],
                             params={"accept_checksum_warning": bool(form.cleaned_data.get("accept_checksum_warning"))})
            return job_redirect(request, job)
    return render(request, "plans/registry_import.html", {"form": form, "headers": list(imports.HEADERS)})


@staff_required
def cap_policy_edit(request):
    """频次上限与规则: everyone on staff reads; reviewers edit, each change audited."""
    policies = list(CapPolicy.objects.order_by("pool"))
    frequency = FrequencyPolicy.current()
    editable = roles.is_reviewer(request.user)
    form = CapPolicyForm(request.POST or None, caps=policies, frequency=frequency)
    if request.method == "POST":
        if not editable:
            raise PermissionDenied
        if form.is_valid():
            try:
                caps.cap_policy_update(by=request.user, caps=form.caps_data(), reason=form.cleaned_data["reason"])
                caps.frequency_policy_update(by=request.user, reason=form.cleaned_data["reason"],
                                             **form.frequency_data())
            except ApplicationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, "频次规则已保存，变更已记入审计记录。")
                return redirect("plans:cap_policies")
    history = []
    for p in [*policies, frequency]:
        history.extend(audit_history(p)[:20])
    history.sort(key=lambda h: h.at, reverse=True)
    return render(request, "plans/cap_policies.html", {
        "form": form, "editable": editable, "policies": policies, "frequency": frequency, "history": history[:40]})

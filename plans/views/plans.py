"""Annual plan pages: list, create/edit, detail with warnings, 双随机 draw, targets, lifecycle actions
and the reviewer's filing queue."""
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from jiujiang_inspect import roles
from jiujiang_inspect.audit import audit_history
from jiujiang_inspect.excel import workbook_response
from jiujiang_inspect.exceptions import ApplicationError
from jiujiang_inspect.web import apply_errors, reviewer_required, staff_required
from subjects.validators import uscc_normalise

from ..filters import AnnualPlanFilterSet, EnterpriseFilterSet
from ..forms import AnnualPlanForm, PlanDrawForm, PlanTargetsForm, ReasonForm
from ..models import AnnualPlan, Enterprise
from ..selectors import plans as selectors
from ..services import annual_plans, draw

S = AnnualPlan.Status


@staff_required
def plan_list(request):
    base = selectors.plan_list_for_user(user=request.user).order_by("-year", "lead_agency__code", "id")
    f = AnnualPlanFilterSet(request.GET, queryset=base)
    if request.GET.get("export") == "xlsx":
        rows = ([p.year, p.title, p.lead_agency.name, "、".join(a.name for a in p.member_agencies.all()),
                 p.industry.name if p.industry else "", p.joint_matter_list.title if p.joint_matter_list else "",
                 "、".join(f"{m}月" for m in p.months or []), len(p.targets.all()), p.version, p.get_status_display(),
                 p.status_reason] for p in f.qs.iterator(chunk_size=200))
        return workbook_response(f"年度检查计划_{timezone.localdate():%Y%m%d}.xlsx", [(
            "年度检查计划", ["年度", "计划名称", "牵头单位", "参与单位", "行业", "联查事项清单", "计划月份", "对象数", "版本",
                       "状态", "退回原因"], rows)])
    page = Paginator(f.qs, 30).get_page(request.GET.get("page"))
    year = timezone.localdate().year
    not_filed = (selectors.plans_agencies_not_filed(year=year, today=timezone.localdate())
                 if roles.is_reviewer(request.user) else None)
    return render(request, "plans/plan_list.html", {
        "filter": f, "page": page, "statuses": S.choices, "year": year, "not_filed": not_filed,
        "can_create": roles.is_agency_admin(request.user) or request.user.is_superuser})


def _plan_for(request, pk) -> AnnualPlan:
    try:
        return selectors.plan_list_for_user(user=request.user).get(pk=pk)
    except AnnualPlan.DoesNotExist:
        raise Http404 from None


def _show_past(request) -> bool:
    """The month picker offers past months only when asked (`?past=1`, kept through the POST)."""
    return (request.POST.get("past") or request.GET.get("past")) == "1"


def _form_data(form):
    d = form.cleaned_data
    return {"title": d["title"], "member_agencies": list(d["member_agencies"]), "industry": d["industry"],
            "joint_matter_list": d["joint_matter_list"], "months": d["months"]}


@staff_required
def plan_create(request):
    if not (roles.is_agency_admin(request.user) or request.user.is_superuser):
        raise PermissionDenied
    year = timezone.localdate().year
    form = AnnualPlanForm(request.POST or None, initial={"year": year}, show_past=_show_past(request))
    if request.method == "POST" and form.is_valid():
        try:
            plan = annual_plans.plan_create(by=request.user, year=form.cleaned_data["year"], **_form_data(form))
        except ApplicationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "计划草稿已创建。下一步：添加检查对象或双随机抽取。")
            return redirect("plans:plan_detail", pk=plan.pk)
    return render(request, "plans/plan_form.html", {"form": form, "title": "编制年度检查计划",
                                                    "show_past": _show_past(request)})


@staff_required
def plan_edit(request, pk):
    plan = _plan_for(request, pk)
    if not annual_plans.may_edit_plan(request.user, plan):
        raise PermissionDenied
    initial = {"year": plan.year, "title": plan.title, "member_agencies": list(plan.member_agencies.all()),
               "industry": f"{plan.industry.code} {plan.industry.name}" if plan.industry else "",
               "joint_matter_list": plan.joint_matter_list, "months": AnnualPlanForm.months_initial(plan.months)}
    form = AnnualPlanForm(request.POST or None, initial=initial, editing=True, show_past=_show_past(request))
    if request.method == "POST" and form.is_valid():
        try:
            annual_plans.plan_update(plan=plan, by=request.user, **_form_data(form))
        except ApplicationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "已保存。" + ("备案后的修改需要重新报送备案。" if plan.status in (S.FILED, S.PUBLISHED) else ""))
            return redirect("plans:plan_detail", pk=plan.pk)
    return render(request, "plans/plan_form.html", {
        "form": form, "title": f"修改计划：{plan.title}", "show_past": _show_past(request), "plan": plan,
        "notice": "该计划已备案，修改后将退回草稿并升级版本，需要重新报送备案。" if plan.status in (S.FILED, S.PUBLISHED) else ""})


@staff_required
def plan_detail(request, pk):
    plan = _plan_for(request, pk)
    can_edit = annual_plans.may_edit_plan(request.user, plan)
    is_reviewer = roles.is_reviewer(request.user)
    return render(request, "plans/plan_detail.html", {
        "plan": plan, "targets": plan.targets.all(), "warnings": selectors.plan_warnings(plan=plan),
        "inspector_draws": selectors.plan_inspector_draws(plan=plan), "can_edit": can_edit, "is_reviewer": is_reviewer,
        "can_submit": can_edit and plan.status in (S.DRAFT, S.RETURNED),
        "can_review": is_reviewer and plan.status == S.SUBMITTED,
        "can_publish": (can_edit or is_reviewer) and plan.status == S.FILED,
        "targets_form": PlanTargetsForm() if can_edit else None, "return_form": ReasonForm(),
        "history": audit_history(plan)[:50]})


@staff_required
def plan_draw(request, pk):
    plan = _plan_for(request, pk)
    if not annual_plans.may_edit_plan(request.user, plan):
        raise PermissionDenied
    form = PlanDrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            plan = draw.plan_draw(plan=plan, by=request.user, **form.cleaned_data)
        except ApplicationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"已随机抽取 {plan.draw_params['n']} 家企业（随机种子 {plan.seed}）。")
            return redirect("plans:plan_detail", pk=plan.pk)
    frame_size = len(draw.draw_frame(plan=plan))
    return render(request, "plans/plan_draw.html", {"plan": plan, "form": form, "frame_size": frame_size})


@staff_required
def plan_targets(request, pk):
    """Add targets by hand (codes), by the registry filter (preview then add), or remove one."""
    plan = _plan_for(request, pk)
    if not annual_plans.may_edit_plan(request.user, plan):
        raise PermissionDenied
    f = EnterpriseFilterSet(request.GET or None, queryset=Enterprise.objects.filter(is_active=True).order_by("uscc"))
    if request.method == "POST":
        op = request.POST.get("op")
        try:
            if op == "remove":
                e = get_object_or_404(Enterprise, uscc=uscc_normalise(request.POST.get("uscc", "")))
                annual_plans.plan_targets_remove(plan=plan, by=request.user, enterprises=[e])
                messages.success(request, f"已移除 {e.name}。")
            elif op == "filter":
                f = EnterpriseFilterSet(request.POST, queryset=Enterprise.objects.all())
                n = annual_plans.plan_targets_add_by_filter(plan=plan, by=request.user, queryset=f.qs)
                messages.success(request, f"已按条件加入 {n} 家企业。")
            else:
                form = PlanTargetsForm(request.POST)
                if not form.is_valid():
                    messages.error(request, "请填写统一社会信用代码。")
                else:
                    usccs = form.cleaned_data["usccs"]
                    found = list(Enterprise.objects.filter(uscc__in=usccs))
                    missing = sorted(set(usccs) - {e.uscc for e in found})
                    n = annual_plans.plan_targets_add(plan=plan, by=request.user, enterprises=found)
                    messages.success(request, f"已加入 {n} 家企业。")
                    if missing:
                        messages.warning(request, "以下代码未登记：" + "、".join(missing[:20]))
        except ApplicationError as exc:
            messages.error(request, exc.message + " " + "；".join(
                str(m) for v in (exc.detail or {}).values() if isinstance(v, list) for m in v))
        return redirect("plans:plan_detail", pk=plan.pk)
    preview = f.qs[:20] if request.GET else None
    return render(request, "plans/plan_targets.html", {
        "plan": plan, "filter": f, "preview": preview, "preview_count": f.qs.count() if request.GET else 0,
        "targets_form": PlanTargetsForm()})


@require_POST
@staff_required
def plan_action(request, pk, action):
    plan = _plan_for(request, pk)
    try:
        if action == "submit":
            plan, warnings = annual_plans.plan_submit(plan=plan, by=request.user)
            messages.success(request, "已报送区司法局备案。")
            for w in warnings:
                messages.warning(request, w["message"])
        elif action == "file":
            annual_plans.plan_file(plan=plan, by=request.user, reason=request.POST.get("reason", ""))
            messages.success(request, "已备案。")
        elif action == "return":
            annual_plans.plan_return(plan=plan, by=request.user, reason=request.POST.get("reason", ""))
            messages.success(request, "已退回牵头单位。")
        elif action == "publish":
            annual_plans.plan_publish(plan=plan, by=request.user)
            messages.success(request, "已公布，公众可在“检查计划公示”页查看。")
        else:
            raise Http404
    except ApplicationError as exc:
        details = "；".join(str(m) for v in (exc.detail or {}).values() if isinstance(v, list) for m in v)
        messages.error(request, exc.message + (f"（{details}）" if details else ""))
    if action in ("file", "return") and request.POST.get("next") == "queue":
        return redirect("plans:plan_review_queue")
    return redirect("plans:plan_detail", pk=plan.pk)


@reviewer_required
def plan_review_queue(request):
    """备案审核: plans waiting for the 区司法局, oldest first, with their warnings."""
    plans = list(selectors.plan_filing_queue())
    rows = [(p, selectors.plan_warnings(plan=p)) for p in plans]
    return render(request, "plans/plan_review_queue.html", {"rows": rows, "return_form": ReasonForm()})

"""Inspection pages: list, draft form, detail with the actions allowed now (approve, issue code,
record result, propose a joint merge), triggered filings and (for reviewers) gate refusals. Buttons that belong to
the 检查码 post to checkcode's URLs; this module never imports checkcode (apps import downward)."""
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from jiujiang_inspect import roles
from jiujiang_inspect.audit import audit_history
from jiujiang_inspect.db_routing import replica_reads
from jiujiang_inspect.excel import workbook_response
from jiujiang_inspect.exceptions import ApplicationError
from jiujiang_inspect.web import apply_errors, reviewer_required, staff_required

from ..exceptions import rule_name, stage_name
from ..filters import GateRefusalFilterSet, InspectionFilterSet, TriggeredFilingListFilterSet
from ..forms import InspectionForm
from ..models import Inspection
from ..selectors.enterprises import enterprise_pick_list
from ..selectors.inspections import (
    gate_refusal_list_for_user,
    inspection_list_for_user,
    inspections_detailed,
    joint_match_candidates,
    triggered_filing_list_for_user,
)
from ..selectors.joint_proposals import joint_proposals_of_inspection
from ..selectors.quota import enterprise_quota
from ..services import inspections as services
from ..services.gates import inspection_gate_report

INSPECTION_SORTS = {"date": ("date", "id"), "enterprise": ("enterprise__name", "id"), "kind": ("kind", "date", "id"),
                    "status": ("status", "date", "id")}
STATUS_CSS = {"draft": "status-draft", "approved": "status-waiting", "code_issued": "status-active",
              "result_recorded": "status-active", "closed": "status-done", "cancelled": "status-draft",
              "merged": "status-draft", "returned": "status-refused"}


def _refused(request, exc):
    errors = exc.detail.get("errors") if isinstance(exc.detail, dict) else None
    text = "；".join(e["message"] for e in errors) if errors else exc.message
    messages.error(request, f"未能完成：{text}")


#: Filters the list's bar does not show (a dashboard figure or chart links with them): shown as chips,
#: kept as hidden fields when the bar is submitted, each removable (issue 15 trial: a drilled-down list
#: hid what it was filtered by).
CHIP_FILTERS = ("agency", "year", "happened", "trigger_source", "mode", "outcome", "enterprise")


def _extra_filters(params, f) -> list[dict]:
    from subjects.models import Agency

    chips = []
    for name in CHIP_FILTERS:
        raw = params.get(name, "")
        if not raw:
            continue
        shown = raw
        if name == "agency":
            agency = Agency.objects.filter(code__iexact=raw).only("name", "short_name").first()
            shown = agency.short_name or agency.name if agency else raw
        elif name == "happened":
            shown = "是" if raw.lower() in ("true", "1", "yes") else "否"
        elif name == "year":
            shown = f"{raw}年"
        elif hasattr(f.filters[name], "extra") and f.filters[name].extra.get("choices"):
            shown = dict(f.filters[name].extra["choices"]).get(raw, raw)
        rest = params.copy()
        rest.pop(name, None)
        rest.pop("page", None)
        chips.append({"name": name, "value": raw, "label": str(f.filters[name].label), "shown": str(shown),
                      "remove": "?" + rest.urlencode()})
    return chips


@replica_reads
@staff_required
def inspection_list(request):
    # Sortable columns (docs/ui.md): ?sort=<key> or -<key>; unknown keys fall back to newest first.
    sort = request.GET.get("sort", "")
    order = INSPECTION_SORTS.get(sort.lstrip("-"))
    if order is None:
        sort, order = "", ("-date", "-id")
    elif sort.startswith("-"):
        order = tuple(o[1:] if o.startswith("-") else f"-{o}" for o in order)
    base = inspection_list_for_user(user=request.user).order_by(*order)
    f = InspectionFilterSet(request.GET, queryset=base)
    if request.GET.get("export") == "xlsx":
        rows = [[i.pk, i.enterprise.name, i.enterprise.uscc, i.date, i.get_kind_display(), i.get_mode_display(),
                 "、".join(p.agency.name for p in i.participations.all()), i.get_status_display(),
                 i.get_outcome_display() if i.outcome else ""] for i in f.qs]
        return workbook_response(f"检查任务_{timezone.localdate():%Y%m%d}.xlsx", [(
            "检查任务", ["编号", "企业", "统一社会信用代码", "日期", "类型", "方式", "参与单位", "状态", "结果"], rows)])
    page = Paginator(f.qs, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("sort", None)
    query.pop("page", None)
    columns = [{"key": k, "label": label, "sortable": k in INSPECTION_SORTS,
                "next": f"-{k}" if sort == k else k,
                "aria": "ascending" if sort == k else "descending" if sort == f"-{k}" else ""}
               for k, label in (("date", "日期"), ("enterprise", "企业"), ("kind", "类型"), ("agencies", "参与单位"),
                                ("status", "状态"))]
    return render(request, "plans/inspection_list.html", {"filter": f, "page": page, "status_css": STATUS_CSS,
                                                          "extra_filters": _extra_filters(request.GET, f),
                                                          "columns": columns, "sort_query": query.urlencode(),
                                                          "can_draft": services.user_may_draft(request.user)})


def _form_page(request, form, *, title, inspection=None, extra=None):
    """The draft form page. `_refresh` (htmx on every change, or the 检查规则 button without JS) shows
    the rule panel for the form as it stands without saving: the gates' own verdict
    (`inspection_gate_preview`), never a check of the view's own."""
    refreshing = "_refresh" in request.POST
    report = None
    if request.method == "POST" and form.is_valid():
        agency = request.user.agency
        kwargs = form.update_kwargs(agency, inspection) if inspection else form.service_kwargs(agency)
        if inspection is not None:
            kwargs.pop("enterprise", None)
        report = services.inspection_gate_preview(by=request.user, inspection=inspection, **kwargs)
    return render(request, "plans/inspection_form.html", {
        "form": form, "title": title, "inspection": inspection, "report": report, "refreshing": refreshing,
        # htmx refreshes show no field errors yet: the person has not finished the form.
        "quiet": refreshing and request.headers.get("HX-Request") == "true", **(extra or {})})


@staff_required
def inspection_create(request):
    """新建检查 (issue 15): the enterprise by name, pinyin initials or code (or from the plan's targets),
    the fields of the chosen kind, the user preselected, the rule panel before saving."""
    if not services.user_may_draft(request.user):
        raise PermissionDenied
    agency = request.user.agency
    own = getattr(request.user, "inspector", None)
    initial = {"enterprise": request.GET.get("enterprise", ""), "mode": "onsite", "kind": "planned",
               "date": timezone.localdate(), "inspectors": [own.pk] if own and own.agency_id == agency.pk else []}
    form = InspectionForm(request.POST or None, agency=agency, initial=initial)
    if request.method == "POST" and "_refresh" not in request.POST and form.is_valid():
        try:
            insp = services.inspection_create(by=request.user, **form.service_kwargs(agency))
        except ApplicationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "检查任务已保存为草稿。")
            return redirect("plans:inspection_detail", pk=insp.pk)
        return render(request, "plans/inspection_form.html", {"form": form, "title": "新建检查"})
    return _form_page(request, form, title="新建检查")


@staff_required
def inspection_enterprise_search(request):
    """The enterprises matching what is typed in the new-inspection form (htmx, as the user types):
    radio buttons the form submits as `enterprise_pick`."""
    typed = request.GET.get("enterprise", "").strip()
    return render(request, "plans/_enterprise_pick.html", {"candidates": enterprise_pick_list(typed), "typed": typed})


@staff_required
def inspection_edit(request, pk):
    """修改: the initiating agency edits a draft, a returned or an approved (uncoded) inspection; the
    page shows the admin's return comment and the last refusal in words (rule name and message)."""
    insp = get_object_or_404(inspection_list_for_user(user=request.user), pk=pk)
    if not services.user_may_edit(request.user, insp):
        raise PermissionDenied
    if insp.status not in services.EDITABLE:
        messages.error(request, "该检查已赋码或已结束，不能再修改。")
        return redirect("plans:inspection_detail", pk=pk)
    agency = request.user.agency
    form = InspectionForm(request.POST or None, agency=agency, initial=InspectionForm.initial_for(insp, agency))
    form.fields["enterprise"].disabled = True
    extra = {"refusal": insp.refusals.first()}
    if request.method == "POST" and "_refresh" not in request.POST and form.is_valid():
        try:
            services.inspection_update(inspection=insp, by=request.user, **form.update_kwargs(agency, insp))
        except ApplicationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "已保存修改，检查回到草稿，等待单位管理员审批。")
            return redirect("plans:inspection_detail", pk=pk)
        return render(request, "plans/inspection_form.html", {
            "form": form, "title": "修改检查", "inspection": insp, **extra})
    return _form_page(request, form, title="修改检查", inspection=insp, extra=extra)


@staff_required
@require_POST
def inspection_return(request, pk):
    insp = get_object_or_404(inspection_list_for_user(user=request.user), pk=pk)
    try:
        services.inspection_return(inspection=insp, by=request.user, comment=request.POST.get("comment", ""))
    except ApplicationError as exc:
        _refused(request, exc)
    else:
        messages.success(request, "已退回修改，发起人员会在工作台看到退回意见。")
    return redirect("plans:inspection_detail", pk=pk)


@staff_required
def inspection_detail(request, pk):
    insp = get_object_or_404(inspection_list_for_user(user=request.user), pk=pk)
    user = request.user
    participant = services.user_may_act_for(user, insp) and not roles.is_reviewer(user)
    pending = insp.status in services.EDITABLE
    codes = list(insp.check_codes.order_by("-issued_at"))
    live = next((c for c in codes if c.status in ("issued", "shown", "completed", "closed")), None)
    report = inspection_gate_report(inspection=insp) if pending else None
    candidates = inspections_detailed(Inspection.objects.filter(
        pk__in=joint_match_candidates(inspection=insp).values("pk"))) if pending and participant else []
    result = getattr(insp, "result", None) if hasattr(insp, "result") else None
    today = timezone.localdate()
    return render(request, "plans/inspection_detail.html", {
        "inspection": insp, "status_css": STATUS_CSS, "codes": codes, "live_code": live, "report": report,
        "candidates": candidates, "proposals": joint_proposals_of_inspection(user=user, inspection=insp),
        "result": result, "history": audit_history(insp)[:50],
        "quota": enterprise_quota(enterprise=insp.enterprise, year=insp.date.year),
        "refusals": insp.refusals.select_related("user")[:20],
        "can_approve": insp.status == "draft" and roles.is_agency_admin(user) and user.agency_id == insp.initiating_agency_id,
        "can_issue": participant and insp.status == "approved" and insp.mode == "onsite" and insp.date >= today,
        "can_late": participant and insp.status == "approved" and insp.mode == "onsite" and insp.date <= today,
        "can_result": participant and not result and (
            (insp.status == "code_issued") or (insp.status == "approved" and insp.mode != "onsite")),
        "can_edit": participant and pending, "participant": participant,
        "can_modify": pending and services.user_may_edit(user, insp),
        "can_return": insp.status in services.PENDING and services.user_may_return(user, insp),
        # 检查结果互认 (guidance, a higher app) is linked by URL name only: the initiating agency's draft.
        "can_recognise": insp.status == "draft" and (roles.is_reviewer(user) or user.agency_id == insp.initiating_agency_id),
    })


@staff_required
@require_POST
def inspection_approve(request, pk):
    insp = get_object_or_404(inspection_list_for_user(user=request.user), pk=pk)
    try:
        services.inspection_approve(inspection=insp, by=request.user)
    except ApplicationError as exc:
        _refused(request, exc)
    else:
        messages.success(request, "已审批。执法人员现在可以申领检查码。")
    return redirect("plans:inspection_detail", pk=pk)


@staff_required
@require_POST
def inspection_cancel(request, pk):
    insp = get_object_or_404(inspection_list_for_user(user=request.user), pk=pk)
    try:
        services.inspection_cancel(inspection=insp, by=request.user, reason=request.POST.get("reason", ""))
    except ApplicationError as exc:
        _refused(request, exc)
    else:
        messages.success(request, "检查已取消。")
    return redirect("plans:inspection_detail", pk=pk)


def _local(dt):
    return timezone.localtime(dt).strftime("%Y-%m-%d %H:%M") if dt else ""


@staff_required
def triggered_filing_list(request):
    base = triggered_filing_list_for_user(user=request.user).order_by("-filed_at", "-id")
    f = TriggeredFilingListFilterSet(request.GET, queryset=base)
    if request.GET.get("export") == "xlsx":
        rows = ([t.month, t.agency.name, t.enterprise.name, t.enterprise.uscc, t.get_source_display(), t.reference,
                 t.reason, t.inspection.date, _local(t.filed_at), t.get_status_display(), _local(t.withdrawn_at)]
                for t in f.qs.iterator(chunk_size=500))
        return workbook_response(f"触发式检查备案_{timezone.localdate():%Y%m%d}.xlsx", [(
            "触发式检查备案", ["月份", "单位", "企业", "统一社会信用代码", "触发来源", "来源编号", "原因", "检查日期",
                        "备案时间", "状态", "撤回时间"], rows)])
    page = Paginator(f.qs, 50).get_page(request.GET.get("page"))
    return render(request, "plans/inspection_triggered_filings.html", {
        "filter": f, "page": page, "is_reviewer": roles.is_reviewer(request.user)})


@reviewer_required
def gate_refusal_list(request):
    base = gate_refusal_list_for_user(user=request.user).order_by("-at", "-id")
    f = GateRefusalFilterSet(request.GET, queryset=base)
    if request.GET.get("export") == "xlsx":
        rows = ([_local(r.at), r.agency.name if r.agency else "", str(r.user) if r.user else "",
                 r.inspection.enterprise.name, r.inspection.enterprise.uscc, stage_name(r.stage), rule_name(r.code),
                 r.message, "、".join(rule_name(c) for c in r.all_codes or [])] for r in f.qs.iterator(chunk_size=500))
        return workbook_response(f"检查拒绝记录_{timezone.localdate():%Y%m%d}.xlsx", [(
            "检查拒绝记录", ["时间", "单位", "人员", "企业", "统一社会信用代码", "环节", "规则", "说明", "全部规则"],
            rows)])
    page = Paginator(f.qs, 50).get_page(request.GET.get("page"))
    return render(request, "plans/inspection_refusals.html", {"filter": f, "page": page})

"""培训 pages: the list, a session (materials, sign-in, attendance), and the 检查码 coverage."""
from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from jiujiang_inspect import roles
from jiujiang_inspect.audit import audit_history
from jiujiang_inspect.excel import check_xlsx_upload, template_response, workbook_response
from jiujiang_inspect.exceptions import ApplicationError
from jiujiang_inspect.jobs import job_create
from subjects.models import Agency

from .. import imports, selectors, services
from ..filters import TrainingFilterSet
from ..forms import MaterialForm, TrainingForm, UploadForm
from ..models import GuidancePolicy, TrainingSession
from ..services.training import attendance_validate
from .common import apply_errors, manager_required, reviewer_required, staff_required


@staff_required
def training_list(request):
    base = selectors.training_list_for_user(user=request.user).order_by("-date", "-id")
    f = TrainingFilterSet(request.GET, queryset=base)
    if request.GET.get("export") == "xlsx":
        rows = ([t.date, t.title, t.organiser.name, t.location, "是" if t.is_checkcode else "否", t.attendance_count,
                 t.get_status_display(), timezone.localtime(t.created_at).strftime("%Y-%m-%d %H:%M")]
                for t in f.qs.iterator(chunk_size=500))
        return workbook_response(f"培训_{timezone.localdate():%Y%m%d}.xlsx", [(
            "培训", ["培训日期", "培训名称", "主办单位", "地点或方式", "检查码培训", "签到人数", "状态", "创建时间"], rows)])
    page = Paginator(f.qs, 30).get_page(request.GET.get("page"))
    can_create = roles.is_reviewer(request.user) or roles.is_agency_admin(request.user)
    return render(request, "guidance/training_list.html", {"filter": f, "page": page, "can_create": can_create,
                                                           "today": timezone.localdate()})


def _organisers(user):
    qs = Agency.objects.filter(is_active=True)
    return qs if roles.is_reviewer(user) else qs.filter(pk=user.agency_id)


@manager_required
def training_create(request):
    form = TrainingForm(request.POST or None, organisers=_organisers(request.user),
                        initial={"organiser": request.user.agency, "date": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            session = services.training_create(by=request.user, **form.cleaned_data)
        except ApplicationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "已创建培训。")
            return redirect("guidance:training_detail", pk=session.pk)
    return render(request, "guidance/form.html", {"form": form, "title": "新建培训"})


def _session_for(request, pk) -> TrainingSession:
    return get_object_or_404(selectors.training_list_for_user(user=request.user).prefetch_related(
        "invited_agencies", "materials"), pk=pk)


@staff_required
def training_detail(request, pk):
    session = _session_for(request, pk)
    user = request.user
    can_manage = roles.is_reviewer(user) or (roles.is_agency_admin(user) and user.agency_id == session.organiser_id)
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "sign_in":
                services.training_sign_in(session=session, by=user)
                messages.success(request, "签到成功。")
            elif action == "attendance" and can_manage:
                ids = [int(i) for i in request.POST.getlist("inspectors") if i.isdigit()]
                added = services.training_attendance_record(
                    session=session, by=user, inspectors=services.training.inspectors_by_ids(ids))
                messages.success(request, f"已登记 {added} 人签到。")
            elif action == "status" and can_manage:
                services.training_update(session=session, by=user, status=request.POST.get("status", ""),
                                         reason=request.POST.get("reason", ""))
                messages.success(request, "培训状态已更新。")
        except ApplicationError as exc:
            messages.error(request, exc.message)
        return redirect("guidance:training_detail", pk=session.pk)
    attendances = session.attendances.select_related("inspector", "inspector__agency").order_by(
        "inspector__agency__code", "inspector__name")
    signed_ids = {a.inspector_id for a in attendances}
    candidates = []
    if can_manage:
        invited = list(session.invited_agencies.all())
        qs = selectors.training.inspectors_in_scope().select_related("agency")
        qs = qs.filter(agency__in=[*invited, session.organiser]) if invited else qs
        candidates = [i for i in qs.order_by("agency__code", "name")[:500] if i.pk not in signed_ids]
    me = getattr(user, "inspector", None) if user.inspector_id else None
    return render(request, "guidance/training_detail.html", {
        "session": session, "attendances": attendances, "can_manage": can_manage, "candidates": candidates,
        "can_sign_in": bool(me) and me.pk not in signed_ids and session.date == timezone.localdate()
        and not attendance_validate(session=session, inspectors=[me]) and session.status != "cancelled",
        "signed": bool(me) and me.pk in signed_ids, "material_form": MaterialForm(), "upload_form": UploadForm(),
        "history": audit_history(session)[:30], "statuses": TrainingSession.Status.choices})


@manager_required
def training_material_add(request, pk):
    session = _session_for(request, pk)
    form = MaterialForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.training_material_add(session=session, by=request.user, **form.cleaned_data)
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "已添加培训资料。")
    elif request.method == "POST":
        messages.error(request, "资料信息不完整。")
    return redirect("guidance:training_detail", pk=session.pk)


@manager_required
def training_attendance_import(request, pk):
    session = _session_for(request, pk)
    if request.GET.get("template"):
        return template_response("签到表导入模板.xlsx", [("签到表", imports.ATTENDANCE_SPEC, imports.ATTENDANCE_EXAMPLE)])
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.training.require_organiser(request.user, session.organiser)
            check_xlsx_upload(form.cleaned_data["file"])
        except ApplicationError as exc:
            messages.error(request, exc.message)
            return redirect("guidance:training_detail", pk=session.pk)
        job = job_create(kind="guidance.imports.attendance_import", by=request.user, upload=form.cleaned_data["file"],
                         params={"session_id": session.pk})
        return redirect("job_status", pk=job.pk)
    return redirect("guidance:training_detail", pk=session.pk)


@reviewer_required
def coverage(request):
    """举措 9 coverage: per agency, and who is still missing (filter by agency)."""
    policy = GuidancePolicy.current()
    rows = selectors.training_coverage_by_agency(deadline=policy.checkcode_training_deadline)
    agency = Agency.objects.filter(code=request.GET.get("agency", "")).first()
    missing = selectors.inspectors_missing_training(deadline=policy.checkcode_training_deadline, agency=agency)
    if request.GET.get("export") == "xlsx":
        return workbook_response(f"检查码培训覆盖_{timezone.localdate():%Y%m%d}.xlsx", [
            ("按单位", ["单位代码", "单位名称", "应培训人数", "已培训", "未培训", "覆盖率%", "通过检查码测试"],
             [[r["agency"].code, r["agency"].name, r["active"], r["trained"], r["missing"], r["percent"], r["passed"]]
              for r in rows]),
            ("未培训人员", ["单位代码", "单位名称", "姓名", "职务"],
             [[i.agency.code, i.agency.name, i.name, i.position] for i in missing.iterator()]),
        ])
    page = Paginator(missing, 50).get_page(request.GET.get("page"))
    return render(request, "guidance/coverage.html", {
        "rows": rows, "total": selectors.training_coverage_total(rows), "page": page, "agency": agency,
        "deadline": policy.checkcode_training_deadline})

"""HTML pages of the matter catalogue: agency catalogue, matter pages, the 司法局 review queue, legal
bases, joint lists, Excel import/export, and the public compliance guide (no login). Views shape
input and show service errors; the rules live in the services."""
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from jiujiang_inspect import roles
from jiujiang_inspect.audit import audit_history
from jiujiang_inspect.excel import workbook_response
from jiujiang_inspect.exceptions import ApplicationError
from jiujiang_inspect.web import (
    apply_errors,
    manager_required,
    reviewer_required,
    staff_required,
    upload_job_start,
)
from subjects.forms import UploadForm
from subjects.models import Agency

from . import imports, selectors, services
from .filters import JointMatterListFilterSet, LegalBasisFilterSet, MatterFilterSet
from .forms import JointListForm, LegalBasisForm, MatterForm, ReasonForm
from .models import InspectionMatter, JointMatterList, LegalBasis, NegativeListItem, PublicDocument

S = InspectionMatter.Status


def _agencies_for(user):
    qs = Agency.objects.filter(is_active=True).order_by("code")
    return qs if roles.is_reviewer(user) else qs.filter(pk=user.agency_id)


# --- agency catalogue ---------------------------------------------------------------------------------------

@staff_required
def matter_list(request):
    user = request.user
    base = selectors.matter_list_for_user(user=user)
    params = request.GET.copy()
    # Agency staff land on their own catalogue; other agencies' published matters are one filter away.
    if not roles.is_reviewer(user) and "agency" not in params and user.agency_id:
        params["agency"] = user.agency.code
    f = MatterFilterSet(params, queryset=base.order_by("agency__code", "code"))
    if request.GET.get("export") == "xlsx":
        return workbook_response(f"检查事项清单_{timezone.localdate():%Y%m%d}.xlsx",
                                 imports.catalogue_sheets(f.qs))
    page = Paginator(f.qs.prefetch_related("legal_bases"), 50).get_page(request.GET.get("page"))
    own_agency = None if roles.is_reviewer(user) else user.agency
    return render(request, "matters/matter_list.html", {
        "filter": f, "page": page, "statuses": S.choices, "basis_statuses": LegalBasis.Status.choices,
        "agencies": Agency.objects.filter(is_active=True).order_by("code"),
        "key_industries": selectors.industry_key_list(),
        "counts": selectors.matter_status_counts(agency=own_agency), "own_agency": own_agency,
        "can_manage": roles.is_reviewer(user) or roles.is_agency_admin(user),
        "is_reviewer": roles.is_reviewer(user), "params": params})


def _matter_for(request, code) -> InspectionMatter:
    qs = selectors.matter_with_details(selectors.matter_list_for_user(user=request.user))
    return get_object_or_404(qs, code=code)


@staff_required
def matter_detail(request, code):
    matter = _matter_for(request, code)
    return render(request, "matters/matter_detail.html", {
        "matter": matter, "actions": selectors.matter_allowed_actions(user=request.user, matter=matter),
        "usable_errors": selectors.matter_usable_errors(matter),
        "diff": selectors.matter_diff(matter) if matter.filed_snapshot else None,
        "history": audit_history(matter)[:50], "reason_form": ReasonForm()})


@manager_required
def matter_edit(request, code=None):
    matter = _matter_for(request, code) if code else None
    if matter is not None and "edit" not in selectors.matter_allowed_actions(user=request.user, matter=matter):
        messages.error(request, "当前状态或权限不允许修改该事项。")
        return redirect("matters:matter_detail", code=matter.code)
    initial = MatterForm.initial_for(matter) if matter else {"agency": request.user.agency}
    form = MatterForm(request.POST or None, initial=initial, agencies=_agencies_for(request.user), matter=matter)
    if request.method == "POST" and form.is_valid():
        try:
            if matter:
                matter = services.matter_update(matter=matter, by=request.user, reason=form.cleaned_data["reason"],
                                                **form.service_fields())
            else:
                matter = services.matter_create(by=request.user, agency=form.cleaned_data["agency"],
                                                code=form.cleaned_data["code"], **form.service_fields())
        except ApplicationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"已保存检查事项（第{matter.version}版，{matter.get_status_display()}）。")
            return redirect("matters:matter_detail", code=matter.code)
    return render(request, "matters/matter_form.html", {"form": form, "matter": matter,
                                                        "title": "编辑检查事项" if matter else "新增检查事项"})


ACTIONS = {
    "submit": (lambda m, u, r: services.matter_submit(matter=m, by=u), "已报送区司法局备案。"),
    "file": (lambda m, u, r: services.matter_file(matter=m, by=u, note=r), "已备案。"),
    "reject": (lambda m, u, r: services.matter_reject(matter=m, by=u, reason=r), "已退回，单位将收到退回原因。"),
    "publish": (lambda m, u, r: services.matter_publish(matter=m, by=u), "已公布，可用于检查并在公开目录中展示。"),
    "cancel": (lambda m, u, r: services.matter_cancel(matter=m, by=u, reason=r), "事项已取消。"),
}


@staff_required
@require_POST
def matter_action(request, code, action):
    if action not in ACTIONS:
        raise Http404
    matter = _matter_for(request, code)
    call, done = ACTIONS[action]
    try:
        call(matter, request.user, request.POST.get("reason", "").strip())
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"{matter.code} {matter.name}：{done}")
    nxt = request.POST.get("next", "")
    if nxt.startswith("/") and not nxt.startswith("//"):
        return redirect(nxt)
    return redirect("matters:matter_detail", code=matter.code)


@manager_required
@require_POST
def catalogue_submit(request):
    agency = request.user.agency
    if roles.is_reviewer(request.user) and request.POST.get("agency"):
        agency = get_object_or_404(Agency, code=request.POST["agency"])
    try:
        submitted = services.catalogue_submit(agency=agency, by=request.user)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已将 {len(submitted)} 项事项整体报送区司法局备案。")
    return redirect(reverse("matters:matter_list") + (f"?agency={agency.code}" if agency else ""))


@manager_required
def matter_unused(request):
    try:
        years = max(1, min(10, int(request.GET.get("years", 2))))
    except ValueError:
        years = 2
    agency = None if roles.is_reviewer(request.user) else request.user.agency
    qs = selectors.matter_list_unused(years=years, agency=agency).order_by("agency__code", "code")
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(request, "matters/matter_unused.html", {"page": page, "years": years,
                                                          "reason_form": ReasonForm()})


@manager_required
def matter_import(request):
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.GET.get("template"):
        return workbook_response("检查事项导入模板.xlsx", imports.template_sheets())
    started = upload_job_start(request, form, kind="matters.imports.catalogue_import")
    if started:
        return started
    return render(request, "matters/import.html", {"form": form, "sheets": imports.SHEET_HELP})


# --- 司法局 review queue -----------------------------------------------------------------------------------

@reviewer_required
def review_queue(request):
    qs = selectors.matter_review_queue()
    agency = request.GET.get("agency", "").strip()
    if agency:
        qs = qs.filter(agency__code=agency)
    page = Paginator(qs, 20).get_page(request.GET.get("page"))
    items = [{"matter": m, "diff": selectors.matter_diff(m)} for m in page]
    waiting = (InspectionMatter.objects.filter(status=S.SUBMITTED).values("agency__code", "agency__name")
               .annotate(n=Count("id")).order_by("agency__code"))
    return render(request, "matters/review_queue.html", {"page": page, "items": items, "waiting": waiting,
                                                         "agency": agency})


# --- legal bases ------------------------------------------------------------------------------------------

@staff_required
def legal_basis_list(request):
    qs = selectors.legal_basis_list().annotate(matter_count=Count("matters")).order_by("title", "article", "id")
    f = LegalBasisFilterSet(request.GET, queryset=qs)
    if request.GET.get("export") == "xlsx":
        rows = ([b.title, b.article, b.get_level_display(), b.article_text, b.effective_date, b.get_status_display(),
                 b.matter_count] for b in f.qs.iterator(chunk_size=500))
        return workbook_response(f"法定依据_{timezone.localdate():%Y%m%d}.xlsx", [(
            "法定依据", ["名称", "条款", "效力层级", "条文内容", "施行日期", "状态", "关联事项数"], rows)])
    page = Paginator(f.qs, 50).get_page(request.GET.get("page"))
    return render(request, "matters/legal_basis_list.html", {
        "filter": f, "page": page, "is_reviewer": roles.is_reviewer(request.user),
        "can_create": roles.is_reviewer(request.user) or roles.is_agency_admin(request.user)})


@manager_required
def legal_basis_edit(request, pk=None):
    basis = get_object_or_404(LegalBasis, pk=pk) if pk else None
    if basis is not None and not roles.is_reviewer(request.user):
        raise PermissionDenied  # only 区司法局 edits a basis that many agencies rely on
    form = LegalBasisForm(request.POST or None, instance=basis)
    if request.method == "POST" and form.is_valid():
        try:
            if basis:
                services.legal_basis_update(basis=LegalBasis.objects.get(pk=basis.pk), by=request.user,
                                            reason=form.cleaned_data["reason"], **form.service_fields())
            else:
                services.legal_basis_create(by=request.user, **form.service_fields())
        except ApplicationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "法定依据已保存。")
            return redirect("matters:legal_basis_list")
    return render(request, "matters/form.html", {"form": form, "title": "编辑法定依据" if basis else "登记法定依据",
                                                 "back": "matters:legal_basis_list"})


# --- joint matter lists -----------------------------------------------------------------------------------

@staff_required
def joint_list_list(request):
    f = JointMatterListFilterSet(request.GET, queryset=selectors.joint_list_list_for_user(user=request.user)
                                 .order_by("industry__code", "-version"))
    if request.GET.get("export") == "xlsx":
        rows = ([jl.title, jl.version, f"{jl.industry.code} {jl.industry.name}", jl.lead_agency.name,
                 "、".join(a.short_name or a.name for a in jl.member_agencies.all()), len(jl.matters.all()),
                 jl.get_status_display(),
                 timezone.localtime(jl.published_at).strftime("%Y-%m-%d %H:%M") if jl.published_at else ""]
                for jl in f.qs.iterator(chunk_size=500))
        return workbook_response(f"联查事项清单_{timezone.localdate():%Y%m%d}.xlsx", [(
            "联查事项清单", ["清单名称", "版本", "行业", "牵头单位", "参与单位", "事项数", "状态", "公布时间"], rows)])
    page = Paginator(f.qs, 50).get_page(request.GET.get("page"))
    return render(request, "matters/joint_list_list.html", {
        "filter": f, "page": page, "key_industries": selectors.industry_key_list(),
        "statuses": JointMatterList.Status.choices,
        "can_create": roles.is_reviewer(request.user) or roles.is_agency_admin(request.user)})


def _joint_list_for(request, pk) -> JointMatterList:
    return get_object_or_404(selectors.joint_list_list_for_user(user=request.user), pk=pk)


@staff_required
def joint_list_detail(request, pk):
    jl = _joint_list_for(request, pk)
    versions = JointMatterList.objects.filter(industry=jl.industry).order_by("-version")
    return render(request, "matters/joint_list_detail.html", {
        "jl": jl, "agencies": selectors.joint_list_agencies(jl), "versions": versions,
        "matters": sorted(jl.matters.all(), key=lambda m: (m.agency.code, m.code)),
        "warnings": selectors.joint_list_warnings(jl) if jl.status == JointMatterList.Status.DRAFT else [],
        "actions": selectors.joint_list_allowed_actions(user=request.user, joint_list=jl),
        "history": audit_history(jl)[:50]})


@manager_required
def joint_list_edit(request, pk=None):
    jl = _joint_list_for(request, pk) if pk else None
    initial = {}
    if jl:
        initial = {"industry": jl.industry, "title": jl.title, "lead_agency": jl.lead_agency,
                   "member_agencies": list(jl.member_agencies.all()), "matters": list(jl.matters.all())}
    elif request.user.agency_id:
        initial = {"lead_agency": request.user.agency}
    form = JointListForm(request.POST or None, initial=initial, editing=bool(jl),
                         lead_agencies=None if roles.is_reviewer(request.user) else _agencies_for(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            if jl:
                jl, warnings = services.joint_list_update(joint_list=jl, by=request.user, **form.service_fields())
            else:
                jl, warnings = services.joint_list_create(by=request.user, industry=form.cleaned_data["industry"],
                                                          **form.service_fields())
        except ApplicationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "联查事项清单已保存。")
            for w in warnings:
                messages.warning(request, w)
            return redirect("matters:joint_list_detail", pk=jl.pk)
    return render(request, "matters/form.html", {"form": form, "title": "编辑联查事项清单" if jl else "新建联查事项清单",
                                                 "back": "matters:joint_list_list"})


@manager_required
@require_POST
def joint_list_action(request, pk, action):
    jl = _joint_list_for(request, pk)
    try:
        if action == "publish":
            jl = services.joint_list_publish(joint_list=jl, by=request.user)
            messages.success(request, f"已公布第{jl.version}版，上一版本已标记为被替代（仍可查阅）。")
        elif action == "new_version":
            jl, _warnings = services.joint_list_new_version(joint_list=jl, by=request.user)
            messages.success(request, f"已创建第{jl.version}版草稿（复制自上一公布版本）。")
        else:
            raise Http404
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return redirect("matters:joint_list_detail", pk=jl.pk)


# --- public pages (no login) ------------------------------------------------------------------------------

def _public_filter(request):
    params = request.GET
    f = MatterFilterSet({k: params.get(k, "") for k in ("q", "agency", "industry")},
                        queryset=selectors.matter_list_published().order_by("agency__code", "code"))
    return f


def public_catalogue(request):
    """企业自查自纠指引: published matters with their standards and common problems (举措 3, 15)."""
    f = _public_filter(request)
    page = Paginator(selectors.matter_with_details(f.qs), 20).get_page(request.GET.get("page"))
    agencies = Agency.objects.filter(matters__status=S.PUBLISHED).distinct().order_by("code")
    return render(request, "matters/public_catalogue.html", {
        "page": page, "filter": f, "agencies": agencies, "key_industries": selectors.industry_key_list(),
        "joint_lists": selectors.joint_list_published().order_by("industry__code"),
        "total": f.qs.count(), "query": request.GET.urlencode()})


def public_catalogue_export(request):
    f = _public_filter(request)
    return workbook_response(f"鸠江区涉企行政检查事项及标准_{timezone.localdate():%Y%m%d}.xlsx",
                             imports.catalogue_sheets(f.qs))


def public_matter_detail(request, code):
    matter = get_object_or_404(selectors.matter_with_details(selectors.matter_list_published()), code=code)
    return render(request, "matters/public_matter_detail.html", {"matter": matter})


def public_joint_list(request, pk):
    jl = get_object_or_404(selectors.joint_list_list_for_user(user=None), pk=pk)
    return render(request, "matters/public_joint_list.html", {
        "jl": jl, "agencies": selectors.joint_list_agencies(jl),
        "matters": sorted(jl.matters.all(), key=lambda m: (m.agency.code, m.code)),
        "current": selectors.joint_list_published(industry=jl.industry).first()})


def public_documents(request):
    """负面清单 and the work guides (工作指引, 二十项措施, 手册) published for everyone (举措 15)."""
    docs = PublicDocument.objects.filter(is_published=True).order_by("kind", "-issued_on", "id")
    return render(request, "matters/public_documents.html", {
        "negative_items": NegativeListItem.objects.filter(is_active=True),
        "documents": docs, "kinds": PublicDocument.Kind})


def public_document_detail(request, pk):
    doc = get_object_or_404(PublicDocument, pk=pk, is_published=True)
    return render(request, "matters/public_document_detail.html", {"doc": doc})


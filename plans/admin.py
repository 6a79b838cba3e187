"""Admin for reference. Registry, cap, plan, inspection and invitation records are changed through
their services (pages, API), which audit every change, so here they are read-only; plan, inspection
and invitation actions call the services and show any refusal with message_user."""
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.template.response import TemplateResponse

from jiujiang_inspect.admin_base import ReadOnlyAdmin
from jiujiang_inspect.exceptions import ApplicationError

from .models import (
    AnnualPlan,
    CapPolicy,
    Enterprise,
    FrequencyPolicy,
    GateRefusal,
    Inspection,
    Invitation,
    JointProposal,
    Participation,
    PlanTarget,
    PoolMembership,
    TriggeredFiling,
)
from .services.inspections import inspection_approve, inspection_cancel
from .services.invitations import invitation_done


class PoolMembershipInline(admin.TabularInline):
    model = PoolMembership
    extra = 0
    can_delete = False
    readonly_fields = ["pool", "valid_from", "valid_to", "decided_by", "reason"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Enterprise)
class EnterpriseAdmin(ReadOnlyAdmin):
    list_display = ["uscc", "name", "town", "industry", "credit_class", "pool", "is_active"]
    list_filter = ["town", "pool", "credit_class", "is_active"]
    search_fields = ["uscc", "name"]
    list_select_related = ["industry"]
    inlines = [PoolMembershipInline]


@admin.register(CapPolicy)
class CapPolicyAdmin(ReadOnlyAdmin):
    list_display = ["pool", "yearly_onsite_cap", "updated_at"]


@admin.register(FrequencyPolicy)
class FrequencyPolicyAdmin(ReadOnlyAdmin):
    pass


class PlanTargetInline(admin.TabularInline):
    model = PlanTarget
    extra = 0
    can_delete = False
    readonly_fields = ["enterprise", "month", "drawn"]

    def has_add_permission(self, request, obj=None):
        return False


def _run(modeladmin, request, queryset, service, done):
    for plan in queryset:
        try:
            service(plan=plan, by=request.user)
        except ApplicationError as exc:
            modeladmin.message_user(request, f"{plan}：{exc.message}", messages.ERROR)
        else:
            modeladmin.message_user(request, f"{plan}：{done}")


@admin.register(AnnualPlan)
class AnnualPlanAdmin(ReadOnlyAdmin):
    list_display = ["year", "title", "lead_agency", "status", "version", "updated_at"]
    list_filter = ["year", "status"]
    search_fields = ["title"]
    list_select_related = ["lead_agency"]
    inlines = [PlanTargetInline]
    actions = ["file_plans", "publish_plans"]

    @admin.action(description="予以备案（司法局）")
    def file_plans(self, request, queryset):
        from .services.annual_plans import plan_file

        _run(self, request, queryset, plan_file, "已备案")

    @admin.action(description="公布")
    def publish_plans(self, request, queryset):
        from .services.annual_plans import plan_publish

        _run(self, request, queryset, plan_publish, "已公布")


# --- inspections and invitations (issue 5) ------------------------------------------------------


def _explain(exc: ApplicationError) -> str:
    """The rule's message (all of them when several gates failed), plus a 400's field messages."""
    errors = exc.detail.get("errors") if isinstance(exc.detail, dict) else None
    if errors:
        return "；".join(e["message"] for e in errors)
    fields = [str(m) for msgs in (exc.detail or {}).values() if isinstance(msgs, list) for m in msgs]
    return "；".join([exc.message, *fields]) if fields else exc.message


def _reason_page(modeladmin, request, queryset, *, action, intro, label):
    """An intermediate page asking for the reason a service requires; None once it was submitted."""
    if "apply" in request.POST:
        return None
    return TemplateResponse(request, "plans/inspection_admin_reason.html", {
        **modeladmin.admin_site.each_context(request), "title": intro, "intro": intro, "reason_label": label,
        "objects": queryset, "action": action, "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        "opts": modeladmin.model._meta})


def _run_each(modeladmin, request, queryset, call, done):
    """Call the service for each row; a refused row shows the rule's message, the others go on."""
    for obj in queryset:
        try:
            call(obj)
        except ApplicationError as exc:
            modeladmin.message_user(request, f"{obj}：{_explain(exc)}", messages.ERROR)
        else:
            modeladmin.message_user(request, f"{obj}：{done}")


class ParticipationInline(admin.TabularInline):
    model = Participation
    extra = 0
    can_delete = False
    fields = ["agency", "is_lead", "inspectors", "matters"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Inspection)
class InspectionAdmin(ReadOnlyAdmin):
    list_display = ["id", "enterprise", "initiating_agency", "date", "kind", "mode", "status", "outcome",
                    "is_emergency"]
    list_filter = ["status", "kind", "mode", "outcome", "is_emergency"]
    search_fields = ["enterprise__name", "enterprise__uscc", "trigger_reference"]
    list_select_related = ["enterprise", "initiating_agency"]
    date_hierarchy = "date"
    inlines = [ParticipationInline]
    actions = ["approve_inspections", "cancel_inspections"]

    @admin.action(description="审批（发起单位的单位管理员；运行全部规则检查）")
    def approve_inspections(self, request, queryset):
        _run_each(self, request, queryset, lambda i: inspection_approve(inspection=i, by=request.user), "已审批")

    @admin.action(description="取消所选检查（需说明原因）")
    def cancel_inspections(self, request, queryset):
        page = _reason_page(self, request, queryset, action="cancel_inspections", intro="取消以下检查任务：",
                            label="取消原因")
        if page is not None:
            return page
        reason = request.POST.get("reason", "")
        _run_each(self, request, queryset, lambda i: inspection_cancel(inspection=i, by=request.user, reason=reason),
                  "已取消")
        return None


@admin.register(Participation)
class ParticipationAdmin(ReadOnlyAdmin):
    list_display = ["inspection", "agency", "is_lead"]
    list_filter = ["is_lead"]
    list_select_related = ["inspection__enterprise", "agency"]


@admin.register(GateRefusal)
class GateRefusalAdmin(ReadOnlyAdmin):
    list_display = ["at", "inspection", "agency", "user", "stage", "code"]
    list_filter = ["stage", "code"]
    list_select_related = ["inspection__enterprise", "agency", "user"]
    date_hierarchy = "at"


@admin.register(TriggeredFiling)
class TriggeredFilingAdmin(ReadOnlyAdmin):
    list_display = ["month", "agency", "enterprise", "source", "reference", "filed_at", "status"]
    list_filter = ["month", "source", "status"]
    search_fields = ["enterprise__name", "enterprise__uscc", "reference"]
    list_select_related = ["agency", "enterprise"]


@admin.register(JointProposal)
class JointProposalAdmin(ReadOnlyAdmin):
    list_display = ["id", "target", "source", "proposing_agency", "consenting_agency", "status", "created_at"]
    list_filter = ["status"]
    list_select_related = ["target__enterprise", "source__enterprise", "proposing_agency", "consenting_agency"]


@admin.register(Invitation)
class InvitationAdmin(ReadOnlyAdmin):
    list_display = ["id", "enterprise", "agency", "activity", "date", "invited_by_enterprise", "status"]
    list_filter = ["status", "activity", "invited_by_enterprise"]
    search_fields = ["enterprise__name", "enterprise__uscc", "purpose"]
    list_select_related = ["enterprise", "agency"]
    actions = ["register_visits"]

    @admin.action(description="登记走访已完成（企业须已同意）")
    def register_visits(self, request, queryset):
        _run_each(self, request, queryset, lambda inv: invitation_done(invitation=inv, by=request.user), "已登记走访")

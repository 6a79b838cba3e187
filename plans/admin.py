"""Admin for reference. Registry, cap and plan records are changed through their services (pages,
API), which audit every change, so here they are read-only; plan actions call the services."""
from django.contrib import admin, messages

from jiujiang_inspect.exceptions import ApplicationError

from .models import AnnualPlan, CapPolicy, Enterprise, FrequencyPolicy, PlanTarget, PoolMembership


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


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

"""Admin for reference data; edits go through the same services as the UI and API."""
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from jiujiang_inspect.exceptions import ApplicationError

from . import services
from .models import Agency, Certificate, Inspector, User


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "doc_abbreviation", "kind", "is_active"]
    list_editable = ["doc_abbreviation"]
    list_filter = ["kind", "is_active", "is_town"]
    search_fields = ["code", "name"]

    def save_model(self, request, obj, form, change):
        data = {k: form.cleaned_data[k] for k in form.changed_data}
        try:
            if change:
                services.agency_update(agency=Agency.objects.get(pk=obj.pk), by=request.user, reason="管理后台修改", **data)
            else:
                services.agency_create(by=request.user, **{k: v for k, v in form.cleaned_data.items() if k != "is_active"})
        except ApplicationError as exc:
            self.message_user(request, exc.message, level=messages.ERROR)


class CertificateInline(admin.StackedInline):
    model = Certificate
    extra = 0
    can_delete = False
    readonly_fields = ["number", "issuer", "field", "valid_from", "valid_until", "status"]


@admin.register(Inspector)
class InspectorAdmin(admin.ModelAdmin):
    list_display = ["name", "agency", "is_helper", "is_active"]
    list_filter = ["agency", "is_helper", "is_active"]
    search_fields = ["name", "certificate__number"]
    exclude = ["id_number", "phone"]
    readonly_fields = ["agency", "name", "position", "is_helper", "is_active"]
    inlines = [CertificateInline]
    actions = ["suspend_certificates"]

    def has_add_permission(self, request):
        return False

    @admin.action(description="暂扣所选人员的执法证件")
    def suspend_certificates(self, request, queryset):
        for inspector in queryset.select_related("certificate", "agency"):
            if hasattr(inspector, "certificate"):
                try:
                    services.certificate_set_status(certificate=inspector.certificate, by=request.user,
                                                    status="suspended", reason="管理后台批量暂扣")
                except ApplicationError as exc:
                    self.message_user(request, f"{inspector.name}：{exc.message}", level=messages.ERROR)


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "display_name", "role", "agency", "is_active"]
    list_filter = ["role", "is_active", "agency"]
    fieldsets = BaseUserAdmin.fieldsets + (("角色与单位", {"fields": ("role", "agency", "inspector", "display_name")}),)

"""Admin for reference data (industries, documents, negative list) and read-mostly views of the
catalogue. Lifecycle changes go through the same services as the UI and API (admin actions)."""
from django.contrib import admin, messages

from jiujiang_inspect.exceptions import ApplicationError

from . import services
from .models import Industry, InspectionMatter, JointMatterList, LegalBasis, NegativeListItem, PublicDocument
from .validators import industry_code_error


@admin.register(Industry)
class IndustryAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "level", "parent", "is_key", "key_label"]
    list_filter = ["level", "is_key"]
    search_fields = ["code", "name", "key_label"]
    list_editable = ["is_key", "key_label"]
    raw_id_fields = ["parent"]

    def save_model(self, request, obj, form, change):
        err = industry_code_error(obj.code, obj.parent.code if obj.parent_id else None)
        if err:
            self.message_user(request, err, level=messages.ERROR)
            return
        super().save_model(request, obj, form, change)


@admin.register(LegalBasis)
class LegalBasisAdmin(admin.ModelAdmin):
    """Read here; edit in the app (重要：修改状态会使相关事项需调整), so every change is audited."""

    list_display = ["title", "article", "level", "status", "effective_date"]
    list_filter = ["level", "status"]
    search_fields = ["title", "article"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False


@admin.register(InspectionMatter)
class InspectionMatterAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "agency", "status", "version", "updated_at"]
    list_filter = ["status", "agency"]
    search_fields = ["code", "name"]
    actions = ["file_selected"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False

    @admin.action(description="备案所选待备案事项")
    def file_selected(self, request, queryset):
        done = 0
        for matter in queryset.filter(status=InspectionMatter.Status.SUBMITTED):
            try:
                services.matter_file(matter=matter, by=request.user, note="管理后台备案")
                done += 1
            except ApplicationError as exc:
                self.message_user(request, f"{matter.code}：{exc.message}", level=messages.ERROR)
        self.message_user(request, f"已备案 {done} 项。")


@admin.register(JointMatterList)
class JointMatterListAdmin(admin.ModelAdmin):
    list_display = ["title", "industry", "version", "status", "lead_agency", "published_at"]
    list_filter = ["status"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False


@admin.register(NegativeListItem)
class NegativeListItemAdmin(admin.ModelAdmin):
    list_display = ["code", "title", "is_active"]
    list_editable = ["is_active"]


@admin.register(PublicDocument)
class PublicDocumentAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "issuer", "issued_on", "is_published"]
    list_filter = ["kind", "is_published"]
    search_fields = ["title", "issuer"]

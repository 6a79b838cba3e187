"""Admin for reference. Codes, results, evaluations and rectifications change only through their
services (which lock, check the rules and audit), so here they are read-only; the one action, revoking
a code, asks for a reason and calls `checkcode_revoke`, showing any refusal with message_user."""
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.template.response import TemplateResponse

from jiujiang_inspect.admin_base import ReadOnlyAdmin
from jiujiang_inspect.exceptions import ApplicationError

from . import services
from .models import (
    CheckCode,
    CodeScan,
    DocumentKind,
    Evaluation,
    Evidence,
    InquiryRecord,
    InspectionResult,
    IssuedDocument,
    Rectification,
    SamplingRecord,
)


def _explain(exc: ApplicationError) -> str:
    """The rule's message, plus field messages of a 400 (e.g. "撤销检查码须说明原因")."""
    fields = [str(m) for msgs in (exc.detail or {}).values() if isinstance(msgs, list) for m in msgs]
    return "；".join([exc.message, *fields]) if fields else exc.message



class CodeScanInline(admin.TabularInline):
    model = CodeScan
    extra = 0
    can_delete = False
    readonly_fields = ["at", "client", "ip_prefix"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(CheckCode)
class CheckCodeAdmin(ReadOnlyAdmin):
    list_display = ["code", "inspection", "status", "is_late", "valid_from", "valid_until", "issued_at"]
    list_filter = ["status", "is_late"]
    search_fields = ["code", "inspection__enterprise__name", "inspection__enterprise__uscc"]
    list_select_related = ["inspection__enterprise"]
    date_hierarchy = "issued_at"
    inlines = [CodeScanInline]
    actions = ["revoke_codes"]

    @admin.action(description="撤销所选检查码（需说明原因）")
    def revoke_codes(self, request, queryset):
        reason = (request.POST.get("reason") or "").strip()
        if "apply" not in request.POST:
            return TemplateResponse(request, "admin/checkcode/revoke_reason.html", {
                **self.admin_site.each_context(request), "title": "撤销检查码", "codes": queryset,
                "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME, "opts": self.model._meta})
        for code in queryset:
            try:
                services.checkcode_revoke(code=code, by=request.user, reason=reason)
            except ApplicationError as exc:
                self.message_user(request, f"{code}：{_explain(exc)}", messages.ERROR)
            else:
                self.message_user(request, f"{code}：已撤销")
        return None


class EvidenceInline(admin.TabularInline):
    """The result's files as recorded; no file link (uploads/ is never served by /media/: the result
    page serves them after its access check)."""

    model = Evidence
    extra = 0
    can_delete = False
    fields = readonly_fields = ["kind", "original_name", "content_type", "size", "sha256", "uploaded_by", "uploaded_at"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(InspectionResult)
class InspectionResultAdmin(ReadOnlyAdmin):
    inlines = [EvidenceInline]
    list_display = ["inspection", "outcome", "recorded_by", "recorded_at"]
    list_filter = ["outcome"]
    list_select_related = ["inspection__enterprise", "recorded_by"]
    search_fields = ["inspection__enterprise__name", "inspection__enterprise__uscc"]


@admin.register(Rectification)
class RectificationAdmin(ReadOnlyAdmin):
    list_display = ["result", "deadline", "status", "responded_at", "verified_at"]
    list_filter = ["status"]
    list_select_related = ["result__inspection__enterprise"]


@admin.register(Evaluation)
class EvaluationAdmin(ReadOnlyAdmin):
    """Only admin users (司法局) reach the admin: evaluations stay anonymous to inspecting agencies."""

    list_display = ["check_code", "rating", "code_shown", "notified_in_advance", "created_at"]
    list_filter = ["rating", "code_shown", "notified_in_advance"]
    list_select_related = ["check_code"]
    date_hierarchy = "created_at"


@admin.register(DocumentKind)
class DocumentKindAdmin(admin.ModelAdmin):
    """The reviewer edits titles and number words (document_kind_update, audited); kinds are fixed."""

    list_display = ["kind", "title", "word", "to_enterprise", "updated_at"]
    list_editable = ["title", "word", "to_enterprise"]
    fields = ["kind", "title", "word", "to_enterprise"]
    readonly_fields = ["kind"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        data = {k: form.cleaned_data[k] for k in form.changed_data if k in {"title", "word", "to_enterprise"}}
        try:
            services.document_kind_update(kind=DocumentKind.objects.get(pk=obj.pk), by=request.user, **data)
        except ApplicationError as exc:
            self.message_user(request, _explain(exc), level=messages.ERROR)


@admin.register(IssuedDocument)
class IssuedDocumentAdmin(ReadOnlyAdmin):
    """Issued documents are records: never edited; a correction is a new version (document_correct)."""

    list_display = ["number", "version", "title", "inspection", "issued_at", "issued_by"]
    list_filter = ["kind", "year"]
    search_fields = ["number"]
    exclude = ["html"]


@admin.register(InquiryRecord)
class InquiryRecordAdmin(ReadOnlyAdmin):
    list_display = ["inspection", "interviewee", "started_at", "agency"]


@admin.register(SamplingRecord)
class SamplingRecordAdmin(ReadOnlyAdmin):
    list_display = ["inspection", "kind", "place", "at", "agency"]

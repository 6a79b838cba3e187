"""Admin for reference: lists are browsable; writes go through the same services as the pages and
the API (policy, case publishing), so the audit trail stays complete. Other records are read-only."""
from django.contrib import admin, messages

from jiujiang_inspect.admin_base import ReadOnlyAdmin
from jiujiang_inspect.exceptions import ApplicationError

from . import services
from .models import (
    GuidancePolicy,
    MatterEquivalence,
    OnlineTest,
    Question,
    ResultRecognition,
    TestAttempt,
    TrainingSession,
    TypicalCase,
)


@admin.register(GuidancePolicy)
class GuidancePolicyAdmin(admin.ModelAdmin):
    list_display = ["__str__", "recognition_window_days", "checkcode_training_deadline"]

    def has_add_permission(self, request):
        return not GuidancePolicy.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        try:
            services.policy_update(by=request.user, reason="管理后台修改",
                                   **{k: form.cleaned_data[k] for k in form.changed_data})
        except ApplicationError as exc:
            self.message_user(request, exc.message, level=messages.ERROR)


@admin.register(TrainingSession)
class TrainingSessionAdmin(ReadOnlyAdmin):
    list_display = ["date", "title", "organiser", "is_checkcode", "status"]
    list_filter = ["is_checkcode", "status"]
    search_fields = ["title"]


@admin.register(Question)
class QuestionAdmin(ReadOnlyAdmin):
    list_display = ["code", "kind", "basis", "is_active"]
    list_filter = ["kind", "is_active", "tags"]
    search_fields = ["code", "stem", "basis"]


@admin.register(OnlineTest)
class OnlineTestAdmin(ReadOnlyAdmin):
    list_display = ["title", "mode", "pass_mark", "time_limit_minutes", "is_checkcode_test", "status"]


@admin.register(TestAttempt)
class TestAttemptAdmin(ReadOnlyAdmin):
    list_display = ["test", "inspector", "started_at", "status", "score", "passed"]
    list_filter = ["status", "passed", "test"]


@admin.register(TypicalCase)
class TypicalCaseAdmin(ReadOnlyAdmin):
    list_display = ["title", "kind", "category", "status", "occurred_on"]
    list_filter = ["kind", "category", "status"]
    search_fields = ["title", "facts", "lesson"]
    actions = ["publish"]

    @admin.action(description="发布所选案例")
    def publish(self, request, queryset):
        for case in queryset:
            try:
                services.typical_case_publish(case=case, by=request.user)
            except ApplicationError as exc:
                self.message_user(request, f"{case}：{exc.message}", level=messages.WARNING)


@admin.register(MatterEquivalence)
class MatterEquivalenceAdmin(ReadOnlyAdmin):
    list_display = ["matter_a", "matter_b", "note", "is_active"]


@admin.register(ResultRecognition)
class ResultRecognitionAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "agency", "enterprise", "result", "recognised_by"]

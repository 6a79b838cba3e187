"""Django admin for reference: read-mostly views of supervision records. Changes go through the pages
(and their services), which audit them; the admin does not offer edits that bypass the rules."""
from django.contrib import admin

from jiujiang_inspect.admin_base import ReadOnlyAdmin

from .models import CaseMeasure, HotlineTicket, JobRun, SupervisionCase, Survey, SurveyResponse


@admin.register(JobRun)
class JobRunAdmin(ReadOnlyAdmin):
    list_display = ["kind", "period", "status", "attempts", "started_at", "finished_at"]
    list_filter = ["kind", "status"]


@admin.register(HotlineTicket)
class HotlineTicketAdmin(ReadOnlyAdmin):
    list_display = ["external_id", "title", "received_at", "agency", "status"]
    list_filter = ["status"]
    search_fields = ["external_id", "title"]


class CaseMeasureInline(admin.TabularInline):
    model = CaseMeasure
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(SupervisionCase)
class SupervisionCaseAdmin(ReadOnlyAdmin):
    list_display = ["title", "agency", "source", "deadline", "status"]
    list_filter = ["status", "source"]
    inlines = [CaseMeasureInline]


@admin.register(Survey)
class SurveyAdmin(ReadOnlyAdmin):
    list_display = ["title", "period_start", "period_end", "status"]


@admin.register(SurveyResponse)
class SurveyResponseAdmin(ReadOnlyAdmin):
    list_display = ["survey", "agency", "score", "created_at"]
    list_filter = ["survey", "agency"]

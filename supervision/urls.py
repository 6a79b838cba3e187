from django.urls import path

from .views import alerts, audit, cases, dashboard, inbox, surveys

app_name = "supervision"

urlpatterns = [
    path("dashboard/", dashboard.dashboard, name="dashboard"),
    path("alerts/", alerts.alert_list, name="alert_list"),
    path("alerts/<int:pk>/action/", alerts.alert_action, name="alert_action"),
    path("alerts/bulk/", alerts.alert_bulk, name="alert_bulk"),
    path("blocks/", alerts.block_list, name="block_list"),
    path("blocks/<int:pk>/override/", alerts.block_override_view, name="block_override"),
    path("jobs/", audit.jobrun_list, name="jobrun_list"),
    path("jobs/<int:pk>/", audit.jobrun_detail, name="jobrun_detail"),
    path("filing-summaries/", audit.filing_summary_list, name="filing_summary_list"),
    path("filing-summaries/<int:pk>/confirm/", audit.filing_summary_confirm_view, name="filing_summary_confirm"),
    path("cases/", cases.case_list, name="case_list"),
    path("cases/new/", cases.case_create, name="case_create"),
    path("cases/<int:pk>/", cases.case_detail, name="case_detail"),
    path("inbox/", inbox.inbox, name="inbox"),
    path("inbox/cases/<int:pk>/", inbox.inbox_case, name="inbox_case"),
    path("correction-files/<int:pk>/", inbox.correction_report_file, name="correction_report_file"),
    path("hotline/", cases.hotline_list, name="hotline_list"),
    path("hotline/import/", cases.hotline_import, name="hotline_import"),
    path("hotline/<int:pk>/", cases.hotline_detail, name="hotline_detail"),
    path("surveys/", surveys.survey_list, name="survey_list"),
    path("surveys/<int:pk>/", surveys.survey_detail, name="survey_detail"),
    path("surveys/<int:pk>/status/", surveys.survey_status, name="survey_status"),
    path("s/<int:pk>/", surveys.survey_public, name="survey_public"),
]

from django.urls import path

from . import api

urlpatterns = [
    path("codes/", api.CheckCodeListApi.as_view(), name="api_checkcode_list"),
    path("inspections/<int:pk>/check-code/", api.CheckCodeIssueApi.as_view(), name="api_checkcode_issue"),
    path("inspections/<int:pk>/late-code/", api.CheckCodeLateApi.as_view(), name="api_checkcode_late"),
    path("inspections/<int:pk>/result/", api.InspectionResultApi.as_view(), name="api_inspection_result"),
    path("inspections/<int:pk>/result/evidence/", api.InspectionEvidenceApi.as_view(), name="api_inspection_evidence"),
    path("check-codes/<str:code>/", api.CheckCodePublicApi.as_view(), name="api_checkcode_public"),
    path("check-codes/<str:code>/evaluation/", api.EvaluationApi.as_view(), name="api_checkcode_evaluation"),
    path("check-codes/<str:code>/rectification/", api.RectificationResponseApi.as_view(),
         name="api_checkcode_rectification"),
    path("check-codes/<str:code>/revoke/", api.CheckCodeRevokeApi.as_view(), name="api_checkcode_revoke"),
    path("inspections/<int:pk>/documents/", api.InspectionDocumentListApi.as_view(), name="api_inspection_documents"),
    path("documents/<int:pk>/correct/", api.IssuedDocumentCorrectApi.as_view(), name="api_document_correct"),
    path("documents/<int:pk>/pdf/", api.IssuedDocumentPdfApi.as_view(), name="api_document_pdf"),
    path("evidence/<int:pk>/file/", api.EvidenceFileApi.as_view(), name="api_evidence_file"),
    path("rectifications/<int:pk>/verify/", api.RectificationVerifyApi.as_view(), name="api_rectification_verify"),
]

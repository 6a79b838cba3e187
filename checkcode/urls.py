from django.urls import path

from .views import documents, enterprise, public, results, reviewer, staff

app_name = "checkcode"

urlpatterns = [
    # Public (no login): the QR points at c/<code>/.
    path("c/", public.public_lookup, name="public_lookup"),
    path("c/<str:code>/", public.public_code, name="public_code"),
    path("c/<str:code>/qr.png", public.qr_png, name="qr_png"),
    path("c/<str:code>/qr.svg", public.qr_svg, name="qr_svg"),
    path("c/<str:code>/documents/<int:pk>/", documents.public_document_view, name="public_document"),
    path("c/<str:code>/documents/<int:pk>/pdf/", documents.public_document_pdf, name="public_document_pdf"),
    # The enterprise on its phone (no account): SMS proof once, then 我的检查.
    path("e/", enterprise.enterprise_entry, name="public_enterprise_entry"),
    path("e/mine/", enterprise.enterprise_mine, name="public_enterprise_mine"),
    path("e/forget/", enterprise.enterprise_forget, name="public_enterprise_forget"),
    path("rectification-photos/<int:pk>/", public.rectification_photo, name="public_rectification_photo"),
    # Staff.
    path("checkcode/codes/", staff.code_list, name="code_list"),
    path("checkcode/codes/<str:code>/show/", staff.code_show, name="code_show"),
    path("checkcode/codes/<str:code>/card/", staff.code_card, name="code_card"),
    path("checkcode/codes/<str:code>/revoke/", staff.revoke, name="revoke"),
    path("checkcode/inspections/<int:pk>/issue/", staff.issue, name="issue"),
    path("checkcode/inspections/<int:pk>/late-code/", staff.late_code, name="late_code"),
    path("checkcode/inspections/<int:pk>/result/", results.result, name="result"),
    path("checkcode/evidence/<int:pk>/", results.evidence_file, name="evidence_file"),
    # 行政检查文书 (docs/documents.md).
    path("checkcode/inspections/<int:pk>/documents/", documents.documents_panel, name="documents"),
    path("checkcode/inspections/<int:pk>/documents/issue/", documents.document_issue, name="document_issue"),
    path("checkcode/inspections/<int:pk>/documents/batch/", documents.documents_batch, name="documents_batch"),
    path("checkcode/inspections/<int:pk>/documents/inquiry/", documents.inquiry_add, name="inquiry_add"),
    path("checkcode/inspections/<int:pk>/documents/sampling/", documents.sampling_add, name="sampling_add"),
    path("checkcode/inspections/<int:pk>/documents/<str:kind>/", documents.document_preview, name="document"),
    path("checkcode/documents/<int:pk>/", documents.document_view, name="document_view"),
    path("checkcode/documents/<int:pk>/pdf/", documents.document_pdf, name="document_pdf"),
    path("checkcode/documents/<int:pk>/correct/", documents.document_correct, name="document_correct"),
    # 司法局 reviewers only.
    path("checkcode/evaluations/", reviewer.evaluation_list, name="evaluation_list"),
    path("checkcode/document-kinds/", reviewer.document_kinds, name="document_kinds"),
    path("checkcode/rectifications/", staff.rectification_list, name="rectification_list"),
    path("checkcode/rectifications/<int:pk>/verify/", staff.rectification_verify, name="rectification_verify"),
]

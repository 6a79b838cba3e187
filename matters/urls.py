from django.urls import path

from . import views

app_name = "matters"

urlpatterns = [
    path("", views.matter_list, name="matter_list"),
    path("new/", views.matter_edit, name="matter_create"),
    path("import/", views.matter_import, name="matter_import"),
    path("submit-catalogue/", views.catalogue_submit, name="catalogue_submit"),
    path("unused/", views.matter_unused, name="matter_unused"),
    path("review/", views.review_queue, name="review_queue"),
    path("items/<str:code>/", views.matter_detail, name="matter_detail"),
    path("items/<str:code>/edit/", views.matter_edit, name="matter_edit"),
    path("items/<str:code>/<str:action>/", views.matter_action, name="matter_action"),
    path("legal-bases/", views.legal_basis_list, name="legal_basis_list"),
    path("legal-bases/new/", views.legal_basis_edit, name="legal_basis_create"),
    path("legal-bases/<int:pk>/edit/", views.legal_basis_edit, name="legal_basis_edit"),
    path("joint-lists/", views.joint_list_list, name="joint_list_list"),
    path("joint-lists/new/", views.joint_list_edit, name="joint_list_create"),
    path("joint-lists/<int:pk>/", views.joint_list_detail, name="joint_list_detail"),
    path("joint-lists/<int:pk>/edit/", views.joint_list_edit, name="joint_list_edit"),
    path("joint-lists/<int:pk>/<str:action>/", views.joint_list_action, name="joint_list_action"),
    # Public, no login (docs/ui.md): the compliance guide and the published documents.
    path("public/catalogue/", views.public_catalogue, name="public_catalogue"),
    path("public/catalogue/export/", views.public_catalogue_export, name="public_catalogue_export"),
    path("public/catalogue/<str:code>/", views.public_matter_detail, name="public_matter_detail"),
    path("public/joint-lists/<int:pk>/", views.public_joint_list, name="public_joint_list"),
    path("public/documents/", views.public_documents, name="public_documents"),
    path("public/documents/<int:pk>/", views.public_document_detail, name="public_document_detail"),
]

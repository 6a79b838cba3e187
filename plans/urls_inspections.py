"""Inspection and 邀约 pages under /plans/ (names in the `plans:` namespace); the public invitation
page needs no login (named `public_…`)."""
from django.urls import path

from . import views_inspections as views
from . import views_invitations as inv_views

urlpatterns = [
    path("inspections/", views.inspection_list, name="inspection_list"),
    path("inspections/new/", views.inspection_create, name="inspection_create"),
    path("inspections/<int:pk>/", views.inspection_detail, name="inspection_detail"),
    path("inspections/<int:pk>/approve/", views.inspection_approve, name="inspection_approve"),
    path("inspections/<int:pk>/merge/", views.inspection_merge, name="inspection_merge"),
    path("inspections/<int:pk>/cancel/", views.inspection_cancel, name="inspection_cancel"),
    path("triggered-filings/", views.triggered_filing_list, name="triggered_filing_list"),
    path("gate-refusals/", views.gate_refusal_list, name="gate_refusal_list"),
    path("invitations/", inv_views.invitation_list, name="invitation_list"),
    path("invitations/new/", inv_views.invitation_create, name="invitation_create"),
    path("invitations/<int:pk>/", inv_views.invitation_detail, name="invitation_detail"),
    path("invitations/<int:pk>/<str:action>/", inv_views.invitation_action, name="invitation_action"),
    path("public/invitations/<str:token>/", inv_views.public_invitation, name="public_invitation"),
]

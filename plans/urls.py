"""plans pages under /plans/ (namespace `plans`): registry and annual plans, inspections and 邀约. The
public pages need no login (named `public_…`)."""
from django.urls import path

from .views import enterprises, inspections, invitations, joint_proposals, public
from .views import plans as plan_views

app_name = "plans"

urlpatterns = [
    path("enterprises/", enterprises.enterprise_list, name="enterprise_list"),
    path("enterprises/new/", enterprises.enterprise_create, name="enterprise_create"),
    path("enterprises/import/", enterprises.enterprise_import, name="enterprise_import"),
    path("enterprises/<str:uscc>/", enterprises.enterprise_detail, name="enterprise_detail"),
    path("enterprises/<str:uscc>/edit/", enterprises.enterprise_edit, name="enterprise_edit"),
    path("enterprises/<str:uscc>/pool/", enterprises.enterprise_pool_move, name="enterprise_pool_move"),
    path("cap-policies/", enterprises.cap_policy_edit, name="cap_policies"),
    path("annual/", plan_views.plan_list, name="plan_list"),
    path("annual/new/", plan_views.plan_create, name="plan_create"),
    path("annual/queue/", plan_views.plan_review_queue, name="plan_review_queue"),
    path("annual/<int:pk>/", plan_views.plan_detail, name="plan_detail"),
    path("annual/<int:pk>/edit/", plan_views.plan_edit, name="plan_edit"),
    path("annual/<int:pk>/draw/", plan_views.plan_draw, name="plan_draw"),
    path("annual/<int:pk>/targets/", plan_views.plan_targets, name="plan_targets"),
    path("annual/<int:pk>/<str:action>/", plan_views.plan_action, name="plan_action"),
    path("public/annual/", public.public_plans, name="public_plans"),
    path("inspections/", inspections.inspection_list, name="inspection_list"),
    path("inspections/new/", inspections.inspection_create, name="inspection_create"),
    path("inspections/new/enterprises/", inspections.inspection_enterprise_search, name="inspection_enterprise_search"),
    path("inspections/<int:pk>/", inspections.inspection_detail, name="inspection_detail"),
    path("inspections/<int:pk>/approve/", inspections.inspection_approve, name="inspection_approve"),
    path("inspections/<int:pk>/merge/", joint_proposals.inspection_merge, name="inspection_merge"),
    path("joint-proposals/", joint_proposals.joint_proposal_list, name="joint_proposal_list"),
    path("joint-proposals/<int:pk>/<str:action>/", joint_proposals.joint_proposal_action, name="joint_proposal_action"),
    path("inspections/<int:pk>/cancel/", inspections.inspection_cancel, name="inspection_cancel"),
    path("inspections/<int:pk>/edit/", inspections.inspection_edit, name="inspection_edit"),
    path("inspections/<int:pk>/return/", inspections.inspection_return, name="inspection_return"),
    path("triggered-filings/", inspections.triggered_filing_list, name="triggered_filing_list"),
    path("gate-refusals/", inspections.gate_refusal_list, name="gate_refusal_list"),
    path("invitations/", invitations.invitation_list, name="invitation_list"),
    path("invitations/new/", invitations.invitation_create, name="invitation_create"),
    path("invitations/<int:pk>/", invitations.invitation_detail, name="invitation_detail"),
    path("invitations/<int:pk>/<str:action>/", invitations.invitation_action, name="invitation_action"),
    path("public/invitations/<str:token>/", invitations.public_invitation, name="public_invitation"),
]

"""Registry and plan pages under /plans/ (namespace `plans`)."""
from django.urls import path

from . import views_registry as v

urlpatterns = [
    path("enterprises/", v.enterprise_list, name="enterprise_list"),
    path("enterprises/new/", v.enterprise_create, name="enterprise_create"),
    path("enterprises/import/", v.enterprise_import, name="enterprise_import"),
    path("enterprises/<str:uscc>/", v.enterprise_detail, name="enterprise_detail"),
    path("enterprises/<str:uscc>/edit/", v.enterprise_edit, name="enterprise_edit"),
    path("enterprises/<str:uscc>/pool/", v.enterprise_pool_move, name="enterprise_pool_move"),
    path("cap-policies/", v.cap_policy_edit, name="cap_policies"),
    path("annual/", v.plan_list, name="plan_list"),
    path("annual/new/", v.plan_create, name="plan_create"),
    path("annual/queue/", v.plan_review_queue, name="plan_review_queue"),
    path("annual/<int:pk>/", v.plan_detail, name="plan_detail"),
    path("annual/<int:pk>/edit/", v.plan_edit, name="plan_edit"),
    path("annual/<int:pk>/draw/", v.plan_draw, name="plan_draw"),
    path("annual/<int:pk>/targets/", v.plan_targets, name="plan_targets"),
    path("annual/<int:pk>/<str:action>/", v.plan_action, name="plan_action"),
    path("public/annual/", v.public_plans, name="public_plans"),
]

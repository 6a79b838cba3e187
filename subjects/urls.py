from django.urls import path

from . import views

app_name = "subjects"

urlpatterns = [
    path("agencies/", views.agency_list, name="agency_list"),
    path("agencies/new/", views.agency_edit, name="agency_create"),
    path("agencies/<str:code>/", views.agency_detail, name="agency_detail"),
    path("agencies/<str:code>/edit/", views.agency_edit, name="agency_edit"),
    path("inspectors/", views.inspector_list, name="inspector_list"),
    path("inspectors/new/", views.inspector_edit, name="inspector_create"),
    path("inspectors/import/", views.inspector_import, name="inspector_import"),
    path("inspectors/<int:pk>/", views.inspector_detail, name="inspector_detail"),
    path("inspectors/<int:pk>/edit/", views.inspector_edit, name="inspector_edit"),
    path("users/", views.user_list, name="user_list"),
    path("users/new/", views.user_edit, name="user_create"),
    path("users/<int:pk>/edit/", views.user_edit, name="user_edit"),
    path("tokens/", views.token_list, name="token_list"),
    path("tokens/<int:pk>/revoke/", views.token_revoke, name="token_revoke"),
    path("webhooks/", views.webhook_list, name="webhook_list"),
    path("webhooks/<int:pk>/<str:act>/", views.webhook_action, name="webhook_action"),
    path("outbox/", views.outbox_list, name="outbox_list"),
]

"""/accounts/ pages the subjects app owns (login and logout are Django's, in jiujiang_inspect/urls.py)."""
from django.urls import path

from . import views

urlpatterns = [
    path("password/", views.PasswordChangeView.as_view(), name="password_change"),
]

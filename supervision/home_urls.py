"""The role home pages at the site root, without a namespace (`home`, `public_home`); the root URL map
includes this module by name, so the plumbing package imports no app."""
from django.urls import path

from .views import home

urlpatterns = [
    path("", home.home, name="home"),
    path("public/", home.public_home, name="public_home"),
]

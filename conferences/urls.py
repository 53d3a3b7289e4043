from django.urls import path

from .views import home

app_name = "conferences"

urlpatterns: list = [
    # The child protection chair's start page (conferences/views/home.py).
    path("", home.home, name="home"),
    # The manager's pages (conferences/views/manage.py).
    # The chair's pages (conferences/views/chair.py).
]

__all__ = ["path"]

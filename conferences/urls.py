from django.urls import path

app_name = "conferences"

urlpatterns: list = [
    # The manager's pages (conferences/views/manage.py).
    # The chair's pages (conferences/views/chair.py).
]

__all__ = ["path"]

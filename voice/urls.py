"""The child's voice: the public forms a link opens (no sign-in) and the staff pages."""

from django.urls import path

from .views import public

app_name = "voice"

urlpatterns = [
    path("v/<str:token>/", public.form, name="form"),
]

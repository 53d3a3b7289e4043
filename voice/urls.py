"""The child's voice: the public forms a link opens (no sign-in) and the staff pages."""

from django.urls import path

from .views import public

app_name = "voice"

urlpatterns = [
    # The public forms (no sign-in). The thank-you page comes first: "thank-you" is not a token.
    path("v/thank-you/", public.thanks, name="thanks"),
    path("v/<str:token>/", public.form, name="form"),
]

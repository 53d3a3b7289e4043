"""The child's voice: the public forms a link opens (no sign-in) and the staff pages."""

from django.urls import path

from .views import iro, public

app_name = "voice"

urlpatterns = [
    path("v/<str:token>/", public.form, name="form"),
    # The IRO's answers (voice/views/iro.py)
    path("voice/answers/", iro.answers, name="answers"),
    path("voice/answers/<int:pk>/", iro.answer, name="answer"),
    path("voice/answers/<int:pk>/copy/", iro.answer_copy, name="answer_copy"),
]

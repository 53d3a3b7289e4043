"""The child's voice: the public forms a link opens (no sign-in) and the staff pages."""

from django.urls import path

from .views import iro, public, send

app_name = "voice"

urlpatterns = [
    # The public forms (no sign-in). The thank-you page comes first: "thank-you" is not a token.
    path("v/thank-you/", public.thanks, name="thanks"),
    path("v/<str:token>/", public.form, name="form"),
    # Sending links (the IRO who holds or covers the child): voice.views.send.
    path("voice/review/<int:pk>/consultation/", send.consultation_send, name="consultation_send"),
    path("voice/review/<int:pk>/feedback/", send.feedback_send, name="feedback_send"),
    path("voice/link/<int:pk>/revoke/", send.link_revoke_view, name="link_revoke"),
    # The IRO's answers (voice/views/iro.py)
    path("voice/answers/", iro.answers, name="answers"),
    path("voice/answers/<int:pk>/", iro.answer, name="answer"),
    path("voice/answers/<int:pk>/copy/", iro.answer_copy, name="answer_copy"),
]

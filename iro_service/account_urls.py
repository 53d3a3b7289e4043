"""``/accounts/``: one's own password (change, or set with an emailed link) and role requests.

The URL names are Django's own (``password_reset_confirm``...), which its views reverse."""

from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from . import account_views
from .account_forms import ChangePasswordForm, ForgottenPasswordForm, SetNewPasswordForm
from .audit import no_child_data

#: Django's password pages show only the signed-in person's own account, never a child.
OWN_ACCOUNT = "one's own password: no child's data"

urlpatterns = [
    path(
        "password/change/",
        no_child_data(OWN_ACCOUNT)(auth_views.PasswordChangeView.as_view(form_class=ChangePasswordForm)),
        name="password_change",
    ),
    path(
        "password/change/done/",
        no_child_data(OWN_ACCOUNT)(auth_views.PasswordChangeDoneView.as_view()),
        name="password_change_done",
    ),
    path(
        "password/reset/",
        no_child_data(OWN_ACCOUNT)(auth_views.PasswordResetView.as_view(form_class=ForgottenPasswordForm)),
        name="password_reset",
    ),
    path(
        "password/reset/sent/",
        no_child_data(OWN_ACCOUNT)(auth_views.PasswordResetDoneView.as_view()),
        name="password_reset_done",
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        no_child_data(OWN_ACCOUNT)(
            auth_views.PasswordResetConfirmView.as_view(
                form_class=SetNewPasswordForm, success_url=reverse_lazy("password_reset_complete")
            )
        ),
        name="password_reset_confirm",
    ),
    path(
        "password/reset/complete/",
        no_child_data(OWN_ACCOUNT)(auth_views.PasswordResetCompleteView.as_view()),
        name="password_reset_complete",
    ),
    path("role-requests/", account_views.role_requests, name="role_requests"),
    path("role-requests/<int:pk>/approve/", account_views.role_request_approve, name="role_request_approve"),
    path("role-requests/<int:pk>/refuse/", account_views.role_request_refuse, name="role_request_refuse"),
    path("roles/<int:user_pk>/remove/", account_views.role_remove, name="role_remove"),
]

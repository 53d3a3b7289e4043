"""``/accounts/``: one's own password (change, or set with an emailed link) and role requests.

The URL names are Django's own (``password_reset_confirm``...), which its views reverse."""

from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from . import account_views
from .account_forms import ChangePasswordForm, ForgottenPasswordForm, SetNewPasswordForm
from .audit import no_child_data

#: Django's password pages show only the signed-in person's own account, never a child.
OWN_ACCOUNT = "one's own password: no child's data"


def _own(route, view, name):
    """One of Django's password pages, marked as showing no child's data."""
    return path(route, no_child_data(OWN_ACCOUNT)(view), name=name)


urlpatterns = [
    _own("password/change/", auth_views.PasswordChangeView.as_view(form_class=ChangePasswordForm), "password_change"),
    _own("password/change/done/", auth_views.PasswordChangeDoneView.as_view(), "password_change_done"),
    _own("password/reset/", auth_views.PasswordResetView.as_view(form_class=ForgottenPasswordForm), "password_reset"),
    _own("password/reset/sent/", auth_views.PasswordResetDoneView.as_view(), "password_reset_done"),
    _own(
        "password/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            form_class=SetNewPasswordForm, success_url=reverse_lazy("password_reset_complete")
        ),
        "password_reset_confirm",
    ),
    _own("password/reset/complete/", auth_views.PasswordResetCompleteView.as_view(), "password_reset_complete"),
    path("role-requests/", account_views.role_requests, name="role_requests"),
    path("role-requests/<int:pk>/approve/", account_views.role_request_approve, name="role_request_approve"),
    path("role-requests/<int:pk>/refuse/", account_views.role_request_refuse, name="role_request_refuse"),
    path("roles/<int:user_pk>/remove/", account_views.role_remove, name="role_remove"),
]

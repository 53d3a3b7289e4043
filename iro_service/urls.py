from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from . import auth_views as sign_in_views
from . import views
from .audit import no_child_data

urlpatterns = [
    path("", views.home, name="home"),
    path(
        "accounts/login/",
        no_child_data("the sign-in form: no child's data")(sign_in_views.SignInView.as_view()),
        name="login",
    ),
    path(
        "accounts/logout/",
        no_child_data("signing out: no child's data")(sign_in_views.SignOutView.as_view()),
        name="logout",
    ),
    path("accounts/", include("iro_service.account_urls")),
    path("accounts/two-factor/", sign_in_views.two_factor_status, name="two_factor"),
    path("accounts/two-factor/set-up/", sign_in_views.two_factor_setup, name="two_factor_setup"),
    path("accounts/two-factor/code/", sign_in_views.two_factor_verify, name="two_factor_verify"),
    path("accessibility/", views.accessibility, name="accessibility"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("children/", include("children.urls")),
    path("reviews/", include("reviews.urls")),
    path("conferences/", include("conferences.urls")),
    path("disputes/", include("disputes.urls")),
    path("", include("voice.urls")),  # the forms a link opens (/v/<token>/) and /voice/ pages
    path("reporting/ssda903/", include("interchange.urls")),  # SSDA903 import and export
    path("reporting/", include("reporting.urls")),
    path("admin/", admin.site.urls),
]

if settings.OIDC_RP_CLIENT_ID:  # single sign-on (docs/authentication.md)
    urlpatterns.append(path("oidc/", include("mozilla_django_oidc.urls")))

handler403 = "iro_service.views.permission_denied"
handler404 = "iro_service.views.page_not_found"

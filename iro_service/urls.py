from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from . import views
from .forms import LoginForm

urlpatterns = [
    path("", views.home, name="home"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(authentication_form=LoginForm, redirect_authenticated_user=True),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/", include("iro_service.account_urls")),
    path("accessibility/", views.accessibility, name="accessibility"),
    path("children/", include("children.urls")),
    path("reviews/", include("reviews.urls")),
    path("disputes/", include("disputes.urls")),
    path("reporting/", include("reporting.urls")),
    path("admin/", admin.site.urls),
]

handler403 = "iro_service.views.permission_denied"
handler404 = "iro_service.views.page_not_found"

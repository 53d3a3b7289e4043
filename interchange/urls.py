"""The SSDA903 page and its uploads, under ``/reporting/ssda903/`` as before the app moved, and the
CIN census page beside them (``cin-census/``)."""

from django.urls import path

from . import views

app_name = "interchange"

urlpatterns = [
    path("", views.index, name="ssda903"),
    path("export/", views.export, name="ssda903_export"),
    path("uploads/", views.upload, name="ssda903_upload_create"),
    path("uploads/<int:pk>/", views.upload_detail, name="ssda903_upload"),
    path("uploads/<int:pk>/check.csv", views.upload_report, name="ssda903_upload_report"),
    path("uploads/<int:pk>/import/", views.upload_import, name="ssda903_upload_import"),
    path("uploads/<int:pk>/retry/", views.upload_retry, name="ssda903_upload_retry"),
    path("cin-census/", views.census, name="cin_census"),
    path("cin-census/download/", views.census_download, name="cin_census_download"),
]

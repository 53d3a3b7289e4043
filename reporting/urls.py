from django.urls import path

from . import views
from .ssda903 import views as ssda903_views

app_name = "reporting"

urlpatterns = [
    path("annual/", views.annual, name="annual"),
    path("annual/<str:year>/narrative/", views.narrative, name="narrative"),
    path("annual/<str:year>/generate/", views.generate, name="generate"),
    path("versions/<int:pk>/", views.progress, name="progress"),
    path("versions/<int:pk>/retry/", views.retry, name="retry"),
    path("versions/<int:pk>/download/", views.download, name="download"),
    path("versions/<int:pk>/publish/", views.publish, name="publish"),
    path("versions/<int:pk>/tables.zip", views.tables_csv, name="tables_csv"),
    path("published/", views.published, name="published"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("records/", views.records, name="records"),
    path("ssda903/", ssda903_views.index, name="ssda903"),
    path("ssda903/export/", ssda903_views.export, name="ssda903_export"),
    path("ssda903/uploads/", ssda903_views.upload, name="ssda903_upload_create"),
    path("ssda903/uploads/<int:pk>/", ssda903_views.upload_detail, name="ssda903_upload"),
    path("ssda903/uploads/<int:pk>/check.csv", ssda903_views.upload_report, name="ssda903_upload_report"),
    path("ssda903/uploads/<int:pk>/import/", ssda903_views.upload_import, name="ssda903_upload_import"),
    path("ssda903/uploads/<int:pk>/retry/", ssda903_views.upload_retry, name="ssda903_upload_retry"),
]

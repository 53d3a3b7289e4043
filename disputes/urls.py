from django.urls import path

from . import views
from .dashboard_views import dashboard, dashboard_csv

app_name = "disputes"

urlpatterns = [
    path("", views.dispute_list, name="list"),
    path("child/<int:child_pk>/raise/", views.dispute_raise, name="raise"),
    path("<int:pk>/", views.dispute_detail, name="detail"),
    path("<int:pk>/response/", views.dispute_respond, name="respond"),
    path("<int:pk>/meeting/", views.dispute_meeting, name="meeting"),
    path("<int:pk>/escalate/", views.dispute_escalate, name="escalate"),
    path("<int:pk>/resolve/", views.dispute_resolve, name="resolve"),
    path("<int:pk>/withdraw/", views.dispute_withdraw, name="withdraw"),
    path("<int:pk>/cafcass/", views.dispute_refer, name="refer"),
    path("<int:pk>/cafcass/outcome/", views.cafcass_outcome, name="cafcass_outcome"),
    path("dashboard/", dashboard, name="dashboard"),
    path("dashboard.csv", dashboard_csv, name="dashboard_csv"),
]

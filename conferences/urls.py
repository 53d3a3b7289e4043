from django.urls import path

from .views import chair

app_name = "conferences"

urlpatterns: list = [
    # The manager's pages (conferences/views/manage.py).
    # The chair's pages (conferences/views/chair.py).
    path("mine/", chair.my_conferences, name="mine"),
    path("<int:pk>/chair/", chair.conference_detail, name="chair_detail"),
    path("<int:pk>/record/", chair.conference_record, name="record"),
    path("<int:pk>/minutes/", chair.conference_minutes, name="minutes"),
    path("<int:pk>/minutes.pdf", chair.conference_minutes_pdf, name="minutes_pdf"),
    path("plans/<int:pk>/", chair.plan_detail, name="plan"),
    path("plans/core-group/<int:pk>/leave/", chair.core_group_leave, name="core_group_leave"),
    path("plans/actions/<int:pk>/", chair.plan_action_update, name="plan_action_update"),
]

__all__ = ["path"]

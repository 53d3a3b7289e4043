from django.urls import path

from .views import chair, home, manage

app_name = "conferences"

urlpatterns: list = [
    # The child protection chair's start page (conferences/views/home.py).
    path("home/", home.home, name="home"),
    # The manager's pages (conferences/views/manage.py).
    path("", manage.conference_list, name="manage"),
    path("request/", manage.conference_request, name="request"),
    path("<int:pk>/chair/", manage.conference_allocate_chair, name="allocate_chair"),
    path("<int:pk>/book/", manage.conference_book, name="book"),
    path("<int:pk>/review/book/", manage.review_conference_book, name="review_book"),
    path("<int:pk>/move/", manage.conference_move, name="move"),
    path("<int:pk>/cancel/", manage.conference_cancel, name="cancel"),
    # The chair's pages (conferences/views/chair.py).
    path("mine/", chair.my_conferences, name="mine"),
    path("<int:pk>/", chair.conference_detail, name="chair_detail"),
    path("<int:pk>/record/", chair.conference_record, name="record"),
    path("<int:pk>/minutes/", chair.conference_minutes, name="minutes"),
    path("<int:pk>/minutes/sent/", chair.conference_minutes_sent, name="minutes_sent"),
    path("<int:pk>/minutes.pdf", chair.conference_minutes_pdf, name="minutes_pdf"),
    path("plans/<int:pk>/", chair.plan_detail, name="plan"),
    path("plans/core-group/<int:pk>/leave/", chair.core_group_leave, name="core_group_leave"),
    path("plans/actions/<int:pk>/", chair.plan_action_update, name="plan_action_update"),
]

__all__ = ["path"]

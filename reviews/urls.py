from django.urls import path

from .views import footprint, reviews

app_name = "reviews"

urlpatterns = [
    path("", reviews.home, name="home"),
    path("service/", reviews.service_home, name="service"),
    path("child/<int:child_pk>/", reviews.child_reviews, name="child"),
    path("child/<int:child_pk>/book/", reviews.review_book, name="book"),
    path("child/<int:child_pk>/record/", reviews.review_record, name="record"),
    path("<int:pk>/", reviews.review_detail, name="detail"),
    path("<int:pk>/edit/", reviews.review_edit, name="edit"),
    path("<int:pk>/record-distribution/", reviews.review_distribution, name="distribution"),
    path("<int:pk>/reschedule/", reviews.review_reschedule, name="reschedule"),
    path("<int:pk>/cancel/", reviews.review_cancel, name="cancel"),
    path("<int:pk>/invitations/", reviews.review_invitations, name="invitations"),
    path("<int:pk>/review.ics", reviews.review_calendar_file, name="calendar_file"),
    path("actions/<int:pk>/", reviews.action_update, name="action_update"),
    path("child/<int:child_pk>/timeline/", footprint.child_timeline, name="timeline"),
    path("child/<int:child_pk>/visits/new/", footprint.visit_create, name="visit_create"),
    path("child/<int:child_pk>/midway-reviews/new/", footprint.midway_create, name="midway_create"),
    path("child/<int:child_pk>/case-notes/new/", footprint.case_note_create, name="case_note_create"),
]

from django.urls import path

from .views import calendar, documents, footprint, reviews

app_name = "reviews"

urlpatterns = [
    path("", reviews.home, name="home"),
    path("service/", reviews.service_home, name="service"),
    path("service/export.csv", reviews.service_csv, name="service_csv"),
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
    path("calendar/", calendar.calendar, name="calendar"),
    path("service/calendar/", calendar.service_calendar, name="service_calendar"),
    path("calendar/feed/", calendar.calendar_feed, name="calendar_feed"),
    path("calendar/feed/<str:token>.ics", calendar.calendar_feed_ics, name="calendar_feed_ics"),
    path("<int:pk>/record.pdf", documents.review_record_pdf, name="record_pdf"),
    path("<int:pk>/letter.pdf", documents.review_letter_pdf, name="letter_pdf"),
]

from django.urls import path

from . import feedback_views, views

app_name = "reporting"

urlpatterns = [
    path("annual/", views.annual, name="annual"),
    path("annual/<str:year>/narrative/", views.narrative, name="narrative"),
    path("annual/<str:year>/generate/", views.generate, name="generate"),
    path("versions/<int:pk>/", views.progress, name="progress"),
    path("versions/<int:pk>/retry/", views.retry, name="retry"),
    path("versions/<int:pk>/download/", views.download, name="download"),
    path("versions/<int:pk>/publish/", views.publish, name="publish"),
    path("versions/<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("versions/<int:pk>/tables.zip", views.tables_csv, name="tables_csv"),
    path("published/", views.published, name="published"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("dashboard/<int:pk>/charts/<slug:key>/<str:digest>.svg", views.dashboard_chart, name="dashboard_chart"),
    path("records/", views.records, name="records"),
    # The manager's feedback comments and the quotes chosen for the report (reporting.feedback_views).
    path("annual/<str:year>/feedback/comments/", feedback_views.comments, name="feedback_comments"),
    path("annual/<str:year>/feedback/comments/<int:pk>/quote/", feedback_views.quote, name="feedback_quote"),
    path("feedback/quotes/<int:pk>/withdraw/", feedback_views.quote_withdraw, name="feedback_quote_withdraw"),
]

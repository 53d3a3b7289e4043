from django.urls import path

from . import contact_views, retention_views, views

app_name = "children"

urlpatterns = [
    path("", views.child_list, name="list"),
    path("new/", views.child_create, name="create"),
    path("caseloads/", views.caseloads, name="caseloads"),
    path("export.csv", views.child_list_csv, name="list_csv"),
    path("caseloads/export.csv", views.caseloads_csv, name="caseloads_csv"),
    path("unallocated/", views.unallocated, name="unallocated"),
    path("cover/", views.cover_list, name="cover_list"),
    path("cover/new/", views.cover_create, name="cover_create"),
    path("cover/<int:pk>/end/", views.cover_end, name="cover_end"),
    path("<int:pk>/", views.child_detail, name="detail"),
    path("<int:pk>/edit/", views.child_edit, name="edit"),
    path("<int:pk>/iro/", views.child_reallocate, name="reallocate"),
    path("<int:pk>/episodes/change/", views.episode_change, name="episode_change"),
    path("<int:pk>/episodes/leave-care/", views.leave_care, name="leave_care"),
    path("<int:pk>/episodes/return-to-care/", views.return_to_care, name="return_to_care"),
    path("<int:pk>/archive/", views.child_archive, name="archive"),
    path("<int:pk>/audit/", views.child_audit, name="audit"),
    path("<int:pk>/significant-changes/new/", views.significant_change_create, name="significant_change_create"),
    path(
        "significant-changes/<int:pk>/acknowledge/",
        views.significant_change_acknowledge,
        name="significant_change_acknowledge",
    ),
    path("significant-changes/<int:pk>/seen/", views.significant_change_seen, name="significant_change_seen"),
    path("retention/", retention_views.retention_list, name="retention_list"),
    path("<int:pk>/retention/", retention_views.retention_propose, name="retention_propose"),
    path("retention/proposals/<int:pk>/", retention_views.retention_request, name="retention_request"),
    path("<int:pk>/people/", contact_views.contact_list, name="contacts"),
    path("<int:pk>/people/add/", contact_views.contact_add, name="contact_add"),
    path("people/<int:pk>/edit/", contact_views.contact_edit, name="contact_edit"),
    path("people/<int:pk>/end/", contact_views.contact_end, name="contact_end"),
]

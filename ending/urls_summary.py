"""The ending summary: the client's page, its PDF, and the therapist's page for one client."""

from django.urls import path

from ending import views_client, views_staff

urlpatterns = [
    path("", views_client.summary, name="mine"),
    path("words/", views_client.summary_words, name="summary_words"),
    path("follow-up-choice/", views_client.summary_follow_up, name="summary_follow_up"),
    path("summary.pdf", views_client.summary_download, name="summary_pdf"),
    path("staff/<uuid:client_uuid>/", views_staff.staff_summary, name="staff_summary"),
    path("staff/<uuid:client_uuid>/start/", views_staff.staff_start, name="staff_start"),
    path("staff/<uuid:client_uuid>/letter/", views_staff.staff_letter, name="staff_letter"),
    path("staff/<uuid:client_uuid>/no-longer-ending/", views_staff.staff_withdraw, name="staff_withdraw"),
    path("staff/<uuid:client_uuid>/end/", views_staff.staff_end, name="staff_end"),
]

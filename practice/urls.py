from django.urls import path

from practice import views

app_name = "practice"
urlpatterns = [
    path("me/", views.client_home, name="client_home"),
    path("therapist/", views.therapist_home, name="therapist_home"),
    path("therapist/profile/", views.profile, name="profile"),
    path("therapist/invite/", views.invite_client, name="invite_client"),
    path("therapist/clients/<uuid:client_uuid>/", views.client_detail, name="client_detail"),
    path("owner/", views.owner_home, name="owner_home"),
    path("owner/settings/", views.practice_settings, name="settings"),
    path("owner/invite/", views.invite_therapist, name="invite_therapist"),
    path("owner/clients/<uuid:client_uuid>/emergency-access/", views.emergency_access, name="emergency_access"),
    path("staff/emergency-access/<uuid:grant_uuid>/", views.emergency_access_notice, name="emergency_access_notice"),
    path(
        "staff/emergency-access/<uuid:grant_uuid>/read/",
        views.emergency_access_notice_read,
        name="emergency_access_notice_read",
    ),
    path("owner/audit/", views.audit_log, name="audit_log"),
]

from django.urls import path

from practice import views, views_audit, views_crisis, views_emails, views_first_run

app_name = "practice"
urlpatterns = [
    path("home/", views.home, name="home"),
    path("crisis/", views_crisis.crisis, name="crisis"),
    path("me/", views.client_home, name="client_home"),
    path("therapist/", views.therapist_home, name="therapist_home"),
    path("therapist/profile/", views.profile, name="profile"),
    path("therapist/clients/<uuid:client_uuid>/", views.client_detail, name="client_detail"),
    path("owner/", views.owner_home, name="owner_home"),
    path("owner/settings/", views.practice_settings, name="settings"),
    path("owner/clients/<uuid:client_uuid>/emergency-access/", views.emergency_access, name="emergency_access"),
    path("staff/emergency-access/<uuid:grant_uuid>/", views.emergency_access_notice, name="emergency_access_notice"),
    path(
        "staff/emergency-access/<uuid:grant_uuid>/read/",
        views.emergency_access_notice_read,
        name="emergency_access_notice_read",
    ),
    path("owner/audit/", views_audit.audit_log, name="audit_log"),
    # A practice's first steps (practice/views_first_run.py).
    path("first-run/", views_first_run.first_run, name="first_run"),
    path("start/<uuid:user_uuid>/<str:token>/", views_first_run.owner_welcome, name="owner_welcome"),
    path("owner/crisis-contacts/", views_first_run.crisis_confirm, name="crisis_confirm"),
    path("emails/", views_emails.email_list, name="emails"),
    path("emails/<uuid:email_uuid>/again/", views_emails.email_retry, name="email_retry"),
    path("emails/<uuid:email_uuid>/put-away/", views_emails.email_put_away, name="email_put_away"),
]

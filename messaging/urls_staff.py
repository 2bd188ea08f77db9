from django.urls import path

from messaging import views_notices, views_staff

# Mounted at /messages/ under the "messaging" namespace (messaging/urls.py).
urlpatterns = [
    path("staff/", views_staff.inbox, name="inbox"),
    path("staff/settings/", views_staff.settings_view, name="settings"),
    path("staff/<uuid:client_uuid>/", views_staff.conversation, name="conversation"),
    path("staff/<uuid:client_uuid>/send/", views_staff.staff_send, name="staff_send"),
    path("staff/<uuid:client_uuid>/new/", views_staff.staff_poll, name="staff_poll"),
    path("staff/<uuid:client_uuid>/who-starts/", views_staff.who_starts, name="who_starts"),
    path("staff/<uuid:client_uuid>/share/", views_staff.share, name="share"),
    path("office/", views_staff.office_inbox, name="office_inbox"),
    path("office/<uuid:client_uuid>/", views_staff.office_conversation, name="office_conversation"),
    path("office/<uuid:client_uuid>/send/", views_staff.office_send, name="office_send"),
    path("office/<uuid:client_uuid>/new/", views_staff.office_poll, name="office_poll"),
    path("notices/", views_notices.notices, name="notices"),
    path("notices/<uuid:notice_uuid>/withdraw/", views_notices.notice_withdraw_view, name="notice_withdraw"),
    path("notices/<uuid:notice_uuid>/read/", views_notices.notice_read_view, name="notice_read"),
]

from django.urls import path

from accounts import views

app_name = "accounts"
urlpatterns = [
    path("invitation/<str:token>/", views.invitation, name="invitation"),
    path("settings/", views.settings_page, name="settings"),
    path("invitations/", views.invitations, name="invitations"),
    path("invitations/<uuid:invitation_uuid>/resend/", views.invitation_resend, name="invitation_resend"),
    path("invitations/<uuid:invitation_uuid>/cancel/", views.invitation_cancel, name="invitation_cancel"),
]

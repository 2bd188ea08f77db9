from django.urls import path

from accounts import views

app_name = "accounts"
# Included at the site's root: the invitation pages keep the addresses they had under practice.
urlpatterns = [
    path("accounts/invitation/<str:token>/", views.invitation, name="invitation"),
    path("accounts/settings/", views.settings_page, name="settings"),
    path("accounts/invitations/", views.invitations, name="invitations"),
    path("accounts/invitations/<uuid:invitation_uuid>/resend/", views.invitation_resend, name="invitation_resend"),
    path("accounts/invitations/<uuid:invitation_uuid>/cancel/", views.invitation_cancel, name="invitation_cancel"),
    path("therapist/invite/", views.invite_client, name="invite_client"),
    path("owner/invite/", views.invite_therapist, name="invite_therapist"),
    path("owner/invite/administrator/", views.invite_administrator, name="invite_administrator"),
]

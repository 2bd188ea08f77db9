from django.urls import path

from money import views_setup

# The practice's billing set-up (money/views_setup.py): settings and policy, fees, therapists' billing.
urlpatterns = [
    path("settings/", views_setup.settings_page, name="settings"),
    path("fees/", views_setup.fees, name="fees"),
    path("fees/<uuid:fee_uuid>/delete/", views_setup.fee_delete, name="fee_delete"),
    path("staff/<uuid:staff_uuid>/", views_setup.staff_billing, name="staff_billing"),
    path("me/", views_setup.my_billing, name="my_billing"),
]

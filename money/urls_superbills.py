from django.urls import path

from money import views_superbills

# Superbills (US practices only; 404 elsewhere): the client asks and downloads, their therapist prepares.
urlpatterns = [
    path("mine/superbills/", views_superbills.superbill_ask, name="superbill_ask"),
    path("mine/superbills/<uuid:superbill_uuid>/", views_superbills.mine_superbill, name="mine_superbill"),
    path("mine/superbills/<uuid:superbill_uuid>/pdf/", views_superbills.mine_superbill_pdf, name="mine_superbill_pdf"),
    path("superbills/<uuid:superbill_uuid>/", views_superbills.superbill_staff, name="superbill"),
]

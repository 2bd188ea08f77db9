from django.urls import path

from care import views

app_name = "care"
urlpatterns = [
    path("therapist/away/", views.away, name="away"),
    path("staff/away/<uuid:period_uuid>/", views.away_edit, name="away_edit"),
    path("staff/away/<uuid:period_uuid>/end/", views.away_end, name="away_end"),
    path("owner/staff/<uuid:staff_uuid>/", views.staff_page, name="staff"),
    path("owner/staff/<uuid:staff_uuid>/deactivate/", views.deactivate, name="deactivate"),
    path("owner/staff/<uuid:staff_uuid>/reactivate/", views.reactivate, name="reactivate"),
    path("owner/clients/<uuid:client_uuid>/handover/", views.handover, name="handover"),
]

from django.urls import path

from notes import views

app_name = "notes"
urlpatterns = [
    path("sessions/<uuid:appointment_uuid>/", views.start, name="start"),
    path("<uuid:note_uuid>/", views.detail, name="detail"),
    path("<uuid:note_uuid>/write/", views.edit, name="edit"),
    path("<uuid:note_uuid>/sign/", views.sign, name="sign"),
    path("<uuid:note_uuid>/amend/", views.amend, name="amend"),
    path("clients/<uuid:client_uuid>/", views.for_client, name="for_client"),
    path("templates/", views.templates, name="templates"),
    path("templates/<uuid:template_uuid>/", views.template_edit, name="template_edit"),
    path("templates/<uuid:template_uuid>/remove/", views.template_delete, name="template_delete"),
]

from django.urls import path

from safetyplan import views

app_name = "safetyplan"
urlpatterns = [
    path("", views.mine, name="mine"),
    path("edit/", views.edit, name="edit"),
    path("clients/<uuid:client_uuid>/", views.client_plan, name="client_plan"),
    path("clients/<uuid:client_uuid>/edit/", views.client_edit, name="client_edit"),
]

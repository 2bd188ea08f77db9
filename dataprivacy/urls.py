from django.urls import path

from dataprivacy import views

app_name = "dataprivacy"
urlpatterns = [
    path("", views.mine, name="mine"),
    path("export/", views.export, name="export"),
    path("erase/", views.erase_request, name="erase_request"),
    path("erase/withdraw/", views.erase_cancel, name="erase_cancel"),
    path("who-has-opened-my-record/", views.openings, name="openings"),
    path("clients/<uuid:client_uuid>/record-openings/", views.owner_openings, name="owner_openings"),
    path("requests/", views.requests, name="requests"),
    path("requests/<uuid:client_uuid>/", views.complete, name="complete"),
]

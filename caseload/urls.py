from django.urls import path

from caseload import views

app_name = "caseload"
urlpatterns = [
    path("", views.home, name="home"),
    path("clients/", views.clients, name="clients"),
    path("clients/<uuid:client_uuid>/since-we-last-met/", views.since, name="since"),
]

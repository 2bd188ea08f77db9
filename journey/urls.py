from django.urls import path

from journey import views

app_name = "journey"
urlpatterns = [
    path("", views.mine, name="mine"),
    path("clients/<uuid:client_uuid>/", views.client_journey, name="client"),
]

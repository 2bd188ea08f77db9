from django.urls import path

from risk import views

app_name = "risk"
urlpatterns = [
    path("", views.alert_list, name="list"),
    path("<uuid:alert_uuid>/", views.alert_detail, name="alert"),
    path("<uuid:alert_uuid>/acknowledge/", views.acknowledge, name="acknowledge"),
]

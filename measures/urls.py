from django.urls import path

from measures import views

app_name = "measures"
urlpatterns = [
    path("", views.waiting, name="list"),
    path("support/", views.support, name="support"),
    path("<uuid:request_uuid>/", views.fill, name="fill"),
    path("clients/<uuid:client_uuid>/send/", views.send, name="send"),
    path("rhythms/<uuid:schedule_uuid>/stop/", views.stop, name="stop"),
    path("responses/<uuid:response_uuid>/", views.response_detail, name="response"),
]

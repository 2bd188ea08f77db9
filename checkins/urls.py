from django.urls import path

from checkins import views

app_name = "checkins"
urlpatterns = [
    path("", views.today, name="today"),
]

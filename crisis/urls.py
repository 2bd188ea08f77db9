from django.urls import path

from crisis import views

app_name = "crisis"
urlpatterns = [
    path("", views.crisis, name="page"),
]

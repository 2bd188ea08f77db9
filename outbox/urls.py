from django.urls import path

from outbox import views

app_name = "outbox"

urlpatterns = [
    path("", views.email_list, name="list"),
    path("<uuid:email_uuid>/again/", views.email_retry, name="retry"),
    path("<uuid:email_uuid>/put-away/", views.email_put_away, name="put_away"),
]

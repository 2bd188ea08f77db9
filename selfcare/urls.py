from django.urls import path

from selfcare import views

app_name = "selfcare"
urlpatterns = [
    path("", views.plan, name="plan"),
    path("reminders/", views.reminders, name="reminders"),
    path("reminders/stop/<str:token>/", views.reminder_stop_view, name="reminder_stop"),
    path("<uuid:activity_uuid>/", views.edit, name="edit"),
    path("<uuid:activity_uuid>/done/", views.tick, name="tick"),
    path("<uuid:activity_uuid>/take-back/", views.untick, name="untick"),
    path("<uuid:activity_uuid>/remove/", views.archive, name="archive"),
]

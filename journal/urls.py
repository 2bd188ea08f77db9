from django.urls import path

from journal import views

app_name = "journal"
urlpatterns = [
    path("", views.entry_list, name="list"),
    path("new/", views.new, name="new"),
    path("autosave/", views.autosave, name="autosave"),
    path("shared/<uuid:client_uuid>/", views.shared, name="shared"),
    path("<uuid:entry_uuid>/", views.detail, name="detail"),
    path("<uuid:entry_uuid>/edit/", views.edit, name="edit"),
    path("<uuid:entry_uuid>/share/", views.share, name="share"),
    path("<uuid:entry_uuid>/unshare/", views.unshare, name="unshare"),
    path("<uuid:entry_uuid>/delete/", views.delete, name="delete"),
]

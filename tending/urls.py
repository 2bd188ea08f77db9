from django.urls import include, path
from django.views.generic import RedirectView

from core import views as core_views

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="core:home", permanent=False), name="root"),
    path("healthz", core_views.healthz, name="healthz"),
    path("crisis/", include("crisis.urls")),
    path("accounts/", include("allauth.urls")),
    path("accounts/", include("accounts.urls")),
    path("", include("core.urls")),
    path("", include("practice.urls")),
]

handler404 = "core.errors.not_found"
handler500 = "core.errors.server_error"

from django.urls import include, path

from bookings import views_front_door as bookings_front_door
from core import views as core_views
from mindfulness import offline as mindfulness_offline
from outbox import views as outbox_views
from tending.env import env_bool

urlpatterns = [
    path("", bookings_front_door.root, name="root"),
    path("healthz", core_views.healthz, name="healthz"),
    path("healthz/jobs", outbox_views.healthz_jobs, name="healthz_jobs"),
    # A trivial page for the load test's framework floor (bench/load.py); never routed unless asked for.
    *([path("bench/floor", core_views.floor, name="bench_floor")] if env_bool("TENDING_BENCH_FLOOR", False) else []),
    # Served from the root so the service worker may look after /practices/ and /crisis/.
    path("sw.js", mindfulness_offline.service_worker, name="service_worker"),
    path("manifest.webmanifest", mindfulness_offline.web_manifest, name="web_manifest"),
    path("accounts/", include("allauth.urls")),
    path("", include("accounts.urls")),
    path("", include("practice.urls")),
    path("", include("bookings.urls")),
    path("welcome/", include("onboarding.urls")),
    path("checkin/", include("checkins.urls")),
    path("measures/", include("measures.urls")),
    path("alerts/", include("risk.urls")),
    path("journey/", include("journey.urls")),
    path("practices/", include("mindfulness.urls")),
    path("self-care/", include("selfcare.urls")),
    path("journal/", include("journal.urls")),
    path("formulation/", include("formulation.urls")),
    path("notes/", include("notes.urls")),
    path("caseload/", include("caseload.urls")),
    path("care/", include("care.urls")),
    path("safety-plan/", include("safetyplan.urls")),
    path("money/", include("money.urls")),
    path("messages/", include("messaging.urls")),
    path("ending/", include("ending.urls")),
    path("my-data/", include("dataprivacy.urls")),
]

handler404 = "core.errors.not_found"
handler500 = "core.errors.server_error"

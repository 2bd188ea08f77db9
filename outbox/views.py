from django.db import DatabaseError
from django.http import JsonResponse
from django.views.decorators.cache import never_cache

from outbox.health import jobs_health


@never_cache
def healthz_jobs(request):
    """For a monitor: 200 while the clock, the worker and the outbox keep up, 503 otherwise."""
    try:
        health = jobs_health()
    except DatabaseError:
        return JsonResponse({"ok": False, "database": "unreachable"}, status=503)
    return JsonResponse(health.as_dict(), status=200 if health.ok else 503)

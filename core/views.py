from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache


@never_cache
def healthz(request):
    """Liveness and database reachability, for the proxy and the process supervisor."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # noqa: BLE001 - any database failure means "not ready"
        return JsonResponse({"status": "unavailable", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


_FLOOR_PAGE = '<!doctype html><html lang="en-GB"><title>Floor</title><main><h1>Floor</h1><p>{}</p></main></html>'


@never_cache
def floor(request):
    """The benchmark's "framework floor" (bench/load.py): a trivial page behind the full middleware.

    It loads the signed-in person from the session, as every real page does, and
    nothing else. Routed only when ``TENDING_BENCH_FLOOR=1`` (tending/urls.py).
    """
    return HttpResponse(_FLOOR_PAGE.format("signed in" if request.user.is_authenticated else "visitor"))

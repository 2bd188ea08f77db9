"""Offline support: the web app manifest, the service worker, and which pages it may keep.

The service worker keeps a copy only of pages that hold no private data: the
practice library, the players, the timer, the offline page and the crisis page.
It checks two things before storing a page: the path is on its list, and the
response carries ``X-Tending-Offline: cache``, which only ``offline_page`` views
set. Journal, "what helps me" and suggestion pages carry neither.
"""

import hashlib
import json
from functools import wraps
from pathlib import Path

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.views.decorators.http import require_GET

OFFLINE_HEADER = "X-Tending-Offline"

STATIC_FILES = [
    "css/tending.css",
    "js/mindfulness/offline.js",
    "js/mindfulness/bell.js",
    "js/mindfulness/player.js",
    "js/mindfulness/timer.js",
    "img/tending-192.png",
    "img/tending-512.png",
    "img/tending-maskable-512.png",
]


def offline_page(view):
    """Marks a view's pages as safe to keep for offline use (they must hold no private data)."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if response.status_code == 200:
            response[OFFLINE_HEADER] = "cache"
        return response

    return wrapped


def _version() -> str:
    """Changes whenever a cached asset or the library changes, so phones fetch fresh copies."""
    digest = hashlib.sha256()
    base = Path(settings.BASE_DIR)
    for name in STATIC_FILES:
        path = base / "static" / name
        if path.exists():
            digest.update(path.read_bytes())
    digest.update((base / "mindfulness" / "content.py").read_bytes())
    digest.update((base / "mindfulness" / "templates" / "mindfulness" / "sw.js").read_bytes())
    return digest.hexdigest()[:12]


@require_GET
def service_worker(request):
    body = render_to_string(
        "mindfulness/sw.js",
        {
            "version": _version(),
            "precache_json": json.dumps(["/practices/offline/", "/crisis/"] + [static(n) for n in STATIC_FILES]),
        },
    )
    response = HttpResponse(body, content_type="text/javascript; charset=utf-8")
    # Browsers re-check the worker at most daily anyway; never let a proxy pin an old one.
    response["Cache-Control"] = "no-cache"
    return response


@require_GET
def web_manifest(request):
    body = render_to_string("mindfulness/manifest.webmanifest", {})
    response = HttpResponse(body, content_type="application/manifest+json")
    response["Cache-Control"] = "public, max-age=3600"
    return response


@offline_page
def offline(request):
    """Shown when the phone is offline and the page asked for was never kept."""
    return render(request, "mindfulness/offline.html")

"""Banners for owners when background work has stopped or emails could not be sent."""

from datetime import datetime

from django.template.loader import render_to_string
from django.utils import timezone

from core.compiled import CompiledRead, counted
from core.panels import reading, shared
from outbox.health import health_asked, jobs_health
from outbox.models import LONG_QUEUED, Email

ORDER = 1  # just after open alerts


_UNSENT = CompiledRead(
    Email,
    lambda shape, *, practice, queued_before: counted(
        Email.objects.needing_attention(practice, queued_before=queued_before), "practice"
    ),
    {"practice": int, "queued_before": datetime},
)


def _now(request):
    """The moment the panel's reads are asked from, the same however often the request names them."""
    return shared(request, ("outbox.now",), timezone.now)


def _reads(request, staff) -> list:
    if staff is None or not staff.is_owner:
        return []
    now = _now(request)
    return [*health_asked(now), _unsent_asked(staff, now)]


def _unsent_asked(staff, now):
    return _UNSENT.asked(practice=staff.practice_id, queued_before=now - LONG_QUEUED)


@reading(_reads)
def background_panel(request, staff) -> str:
    if staff is None or not staff.is_owner:
        return ""
    now = _now(request)
    health = jobs_health(now)
    (unsent,) = _unsent_asked(staff, now).row(default=(0,))
    if health.ok and not unsent:
        return ""
    return render_to_string("outbox/panel.html", {"health": health, "unsent": unsent}, request=request)


OWNER_HOME = [background_panel]
THERAPIST_HOME = [background_panel]

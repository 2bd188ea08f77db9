"""Banners for owners when background work has stopped or emails could not be sent."""

from datetime import datetime

from django.template.loader import render_to_string
from django.utils import timezone

from core.compiled import CompiledRead, counted
from outbox.health import jobs_health
from outbox.models import LONG_QUEUED, Email

ORDER = 1  # just after open alerts


_UNSENT = CompiledRead(
    Email,
    lambda shape, *, practice, queued_before: counted(
        Email.objects.needing_attention(practice, queued_before=queued_before), "practice"
    ),
    {"practice": int, "queued_before": datetime},
)


def background_panel(request, staff) -> str:
    if staff is None or not staff.is_owner:
        return ""
    health = jobs_health()
    (unsent,) = _UNSENT.row(practice=staff.practice_id, queued_before=timezone.now() - LONG_QUEUED, default=(0,))
    if health.ok and not unsent:
        return ""
    return render_to_string("outbox/panel.html", {"health": health, "unsent": unsent}, request=request)


OWNER_HOME = [background_panel]
THERAPIST_HOME = [background_panel]

"""Banners for owners when background work has stopped or emails could not be sent."""

from django.template.loader import render_to_string

from outbox.health import jobs_health
from outbox.models import Email

ORDER = 1  # just after open alerts


def background_panel(request, staff) -> str:
    if staff is None or not staff.is_owner:
        return ""
    health = jobs_health()
    unsent = Email.objects.needing_attention(staff.practice).count()
    if health.ok and not unsent:
        return ""
    return render_to_string("outbox/panel.html", {"health": health, "unsent": unsent}, request=request)


OWNER_HOME = [background_panel]
THERAPIST_HOME = [background_panel]

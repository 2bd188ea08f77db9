"""Sessions and their notes on a client's page, for the therapist who writes them."""

from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone

from bookings.models import Appointment

ORDER = 45
SHOWN = 12


def record_panel(request, client) -> str:
    staff = getattr(request, "staff", None)
    if staff is None or client.therapist_id != staff.id:
        return ""
    sessions = list(
        Appointment.objects.for_client(client)
        .sessions()
        .active()
        .filter(therapist=staff, start__lte=timezone.now())
        .annotate(note_uuid=F("note__uuid"), note_signed_at=F("note__signed_at"))
        .order_by("-start")[:SHOWN]
    )
    upcoming = (
        Appointment.objects.for_client(client)
        .sessions()
        .active()
        .filter(therapist=staff, start__gt=timezone.now())
        .order_by("start")
        .first()
    )
    return render_to_string(
        "notes/panel_record.html", {"client": client, "sessions": sessions, "upcoming": upcoming}, request=request
    )


CLIENT_RECORD = [record_panel]

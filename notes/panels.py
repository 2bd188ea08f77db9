"""Sessions and their notes on a client's page, for the therapist who writes them."""

from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone

from bookings.models import Appointment
from core.links import url_maker

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
    _link(sessions)
    return render_to_string(
        "notes/panel_record.html", {"client": client, "sessions": sessions, "upcoming": upcoming}, request=request
    )


def _link(sessions) -> None:
    """Each row's note link, words and dates, made here: per row in the template they were most of the panel's time."""
    read, edit = url_maker("notes:detail", "note_uuid"), url_maker("notes:edit", "note_uuid")
    start = url_maker("notes:start", "appointment_uuid")
    for s in sessions:
        local = timezone.localtime(s.start)
        s.day = f"{local.day} {local:%b %Y}"
        s.when = f"{s.day}, {local:%H:%M}"
        if s.note_signed_at:
            s.note_url, s.note_action, s.note_for = read(s.note_uuid), "Read the signed note", "of"
        elif s.note_uuid:
            s.note_url, s.note_action, s.note_for = edit(s.note_uuid), "Keep writing the draft", "of"
        else:
            s.note_url, s.note_action, s.note_for = start(s.uuid), "Write a note", "for"


CLIENT_RECORD = [record_panel]

"""Sessions and their notes on a client's page, for the therapist who writes them."""

from datetime import datetime

from django.db.models import F, Q
from django.template.loader import render_to_string
from django.utils import timezone

from bookings.models import Appointment
from bookings.models import Kind as AppointmentKind
from bookings.panels import RECORD_UPCOMING, upcoming_for_record
from core.compiled import CompiledRead
from core.html import format_rows
from core.links import url_maker
from core.panels import reading, shared
from notes.models import SessionNote
from practice.access import has_emergency_access, may_write_record

ORDER = 45
SHOWN = 12


# Read on every view of the client's record: built by the ORM once (core/compiled.py).
_SESSIONS = CompiledRead(
    Appointment,
    lambda shape, *, client, staff, now: Appointment.objects.for_client(client)
    .sessions()
    .active()
    # Their own sessions, and earlier ones whose notes came to them with the client. The second as a subquery, not
    # through the join: PostgreSQL then walks the client's sessions newest first and stops at the twelfth (0.1 ms),
    # where the OR across the join had it read and sort all of them (0.6 ms for five years); on the generic plan too
    # since appointments have no index on the client alone (bookings/0013).
    .filter(
        Q(therapist=staff) | Q(pk__in=SessionNote.objects.filter(holder=staff, client=client).values("appointment")),
        start__lte=now,
    )
    .annotate(note_uuid=F("note__uuid"), note_signed_at=F("note__signed_at"), note_author=F("note__author_id"))
    .order_by("-start")[:SHOWN],
    {"client": int, "staff": int, "now": datetime},
)


def _sessions_asked(request, client, staff):
    """The read of the therapist's sessions with the client, asked from one moment however often the request names
    it."""
    return shared(
        request,
        ("notes.sessions", client.pk, staff.pk),
        lambda: _SESSIONS.asked(client=client.pk, staff=staff.pk, now=timezone.now()),
    )


def _record_reads(request, client) -> list:
    staff = getattr(request, "staff", None)
    return [_sessions_asked(request, client, staff)] if may_write_record(staff, client) else []


@reading(_record_reads)
def record_panel(request, client) -> str:
    """The client's page has been opened through ``practice.access.clinical_access``: their therapist
    gets the sessions with note links to write; an emergency reader only the way to the signed notes."""
    staff = getattr(request, "staff", None)
    if staff is None:
        return ""
    if not may_write_record(staff, client):
        if not shared(request, ("practice.emergency", client.pk), lambda: has_emergency_access(staff, client)):
            return ""
        return render_to_string("notes/panel_record_reader.html", {"client": client}, request=request)
    sessions = _sessions_asked(request, client, staff).objects()
    upcoming = _next_session(request, client, staff)
    return render_to_string(
        "notes/panel_record.html",
        {"client": client, "sessions": _rows(sessions, staff), "upcoming": upcoming},
        request=request,
    )


def _next_session(request, client, staff):
    """The client's next session with ``staff``: found among the coming appointments the sessions panel
    already read (``bookings.panels.upcoming_for_record``), asked of the database only when those were all
    something else and there may be more."""
    now = timezone.now()
    coming = upcoming_for_record(request, client)
    for appointment in coming:
        if (
            appointment.kind == AppointmentKind.SESSION
            and appointment.therapist_id == staff.id
            and appointment.start > now
        ):
            return appointment
    if len(coming) < RECORD_UPCOMING:
        return None  # that was every coming appointment
    return (
        Appointment.objects.for_client(client)
        .sessions()
        .active()
        .filter(therapist=staff, start__gt=now)
        .order_by("start")
        .first()
    )


_ROW = '\n    <li>{}, {}: <a href="{}">{}<span class="visually-hidden"> {} {}</span></a></li>\n    '


def _rows(sessions, staff) -> str:
    """The sessions' rows, each with its note's link, words and date, written here: per row in the template they were
    most of the panel's time (docs/benchmarks.md, eighteenth pass)."""
    read, edit = url_maker("notes:detail", "note_uuid"), url_maker("notes:edit", "note_uuid")
    start = url_maker("notes:start", "appointment_uuid")
    rows = []
    for s in sessions:
        local = timezone.localtime(s.start)
        day = f"{local.day} {local:%b %Y}"
        if s.note_uuid and s.note_author != staff.id:
            url, action = (
                read(s.note_uuid),
                "Read the note from earlier care" if s.note_signed_at else "Read the unsigned draft",
            )
        elif s.note_signed_at:
            url, action = read(s.note_uuid), "Read the signed note"
        elif s.note_uuid:
            url, action = edit(s.note_uuid), "Keep writing the draft"
        else:
            url, action = start(s.uuid), "Write a note"
        rows.append((day, f"{local:%H:%M}", url, action, "of" if s.note_uuid else "for", day))
    return format_rows("", _ROW, rows)


CLIENT_RECORD = [record_panel]

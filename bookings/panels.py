from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.template.loader import render_to_string
from django.utils import timezone

from bookings.free_times import client_zone
from bookings.models import Appointment, upcoming_from
from core.compiled import CompiledRead
from core.html import format_rows
from core.links import url_maker
from core.panels import reading, shared
from practice.access import may_write_record

ORDER = 30


RECORD_UPCOMING = 5  # the coming appointments the client's record lists


# The client's coming appointments, soonest first, as many as the shape says (None: all): read on every view of their
# home (the next one, with its therapist's name), of their sessions page (all of them) and of their record (which
# names no therapist, so joins none). Built by the ORM once (core/compiled.py), run with the moment asked.
def _upcoming(shape, *, client, now, since):
    count, with_therapist = shape
    found = Appointment.objects.for_client(client).active().upcoming(now, since=since)
    return (found.select_related("therapist__user") if with_therapist else found)[:count]


_UPCOMING = CompiledRead(Appointment, _upcoming, {"client": int, "now": datetime, "since": datetime})


def client_upcoming(client) -> list[Appointment]:
    """All the client's coming appointments with their therapist's name, soonest first (their sessions page)."""
    return _UPCOMING.objects((None, True), client=client.pk, **upcoming_from())


def _next_session_asked(request, client):
    """The read of the client's next appointment, asked from one moment however often the request names it."""
    return shared(
        request,
        ("bookings.next_session", client.pk),
        lambda: _UPCOMING.asked((1, True), client=client.pk, **upcoming_from()),
    )


@reading(lambda request, client: [_next_session_asked(request, client)])
def next_session(request, client) -> str:
    zone = ZoneInfo(client_zone(request, client))
    upcoming = _next_session_asked(request, client).first()
    return render_to_string(
        "bookings/panels/client_home.html",
        {"upcoming": upcoming, "local": upcoming.start.astimezone(zone) if upcoming else None, "client": client},
        request=request,
    )


def upcoming_for_record(request, client) -> list[Appointment]:
    """The client's next appointments (not cancelled, soonest first), read once for all the record's panels
    (``core.panels.shared``): the sessions list shows them, the notes panel finds the next session in them."""
    return shared(
        request, ("bookings.upcoming", client.pk), lambda: _upcoming_for_record_asked(request, client).objects()
    )


def _upcoming_for_record_asked(request, client):
    """The read ``upcoming_for_record`` makes, asked from one moment however often the request names it."""
    return shared(
        request,
        ("bookings.upcoming_asked", client.pk),
        lambda: _UPCOMING.asked((RECORD_UPCOMING, False), client=client.pk, **upcoming_from()),
    )


_SESSION_ROW = '<li><a href="{}">{}</a> — {}</li>'


@reading(lambda request, client: [_upcoming_for_record_asked(request, client)])
def client_sessions(request, client) -> str:
    zone = client.practice.zone
    link = url_maker("bookings:appointment", "appointment_uuid")
    # Each row written here, as the date and time filters wrote it ("Sat 5 Dec 2026, 09:00"): through the
    # template's tags and filters the rows were most of the panel's time (docs/benchmarks.md, tenth pass).
    rows = []
    for appointment in upcoming_for_record(request, client):
        local = appointment.start.astimezone(zone)
        rows.append(
            (link(appointment.uuid), f"{local:%a} {local.day} {local:%b %Y, %H:%M}", appointment.get_mode_display())
        )
    upcoming = format_rows("", _SESSION_ROW, rows)
    return render_to_string(
        "bookings/panels/client_record.html",
        {
            "upcoming": upcoming,
            "client": client,
            "can_write": may_write_record(getattr(request, "staff", None), client),
        },
        request=request,
    )


CLIENT_HOME = [next_session]
CLIENT_RECORD = [client_sessions]


CLIENT_CHANGES_DAYS = 14


# On every therapist's home: built by the ORM once (core/compiled.py).
_CLIENT_CHANGES = CompiledRead(
    Appointment,
    lambda shape, *, therapist, since: Appointment.objects.filter(
        therapist=therapist, client_changed_at__gte=since, client__isnull=False
    )
    .select_related("client__user")
    .order_by("-client_changed_at")[:10],
    {"therapist": int, "since": datetime},
)


def _client_changes_asked(request, staff):
    """The read of the client's changes, asked from one moment however often the request names it."""
    return shared(
        request,
        ("bookings.client_changes", staff.pk),
        lambda: _CLIENT_CHANGES.asked(therapist=staff.pk, since=timezone.now() - timedelta(days=CLIENT_CHANGES_DAYS)),
    )


@reading(lambda request, staff: [_client_changes_asked(request, staff)])
def client_changes(request, staff) -> str:
    """Sessions the therapist's clients moved or cancelled themselves in the last two weeks, newest first
    (``services_sessions`` marks each on the appointment). One query."""
    changed = _client_changes_asked(request, staff).objects()
    if not changed:
        return ""
    zone = staff.practice.zone
    changes = [
        {
            "appointment": appointment,
            "change": appointment.client_change,
            "was": appointment.client_changed_from.astimezone(zone),
            "now": appointment.start.astimezone(zone),
            "at": appointment.client_changed_at.astimezone(zone),
        }
        for appointment in changed
    ]
    return render_to_string(
        "bookings/panels/client_changes.html", {"changes": changes, "days": CLIENT_CHANGES_DAYS}, request=request
    )


THERAPIST_HOME = [client_changes]

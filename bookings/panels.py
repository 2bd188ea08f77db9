from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.template.loader import render_to_string
from django.utils import timezone

from audit.models import AuditEvent
from bookings.free_times import client_zone
from bookings.models import Appointment
from bookings.services_sessions import CLIENT_CHANGE
from practice.access import may_write_record

ORDER = 30


def next_session(request, client) -> str:
    zone = ZoneInfo(client_zone(request, client))
    upcoming = Appointment.objects.for_client(client).active().upcoming().select_related("therapist__user").first()
    return render_to_string(
        "bookings/panels/client_home.html",
        {"upcoming": upcoming, "local": upcoming.start.astimezone(zone) if upcoming else None, "client": client},
        request=request,
    )


def client_sessions(request, client) -> str:
    zone = client.practice.zone
    upcoming = [
        (a, a.start.astimezone(zone))
        for a in Appointment.objects.for_client(client).active().upcoming().select_related("therapist__user")[:5]
    ]
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


def client_changes(request, staff) -> str:
    """Sessions the therapist's clients moved or cancelled themselves in the last two weeks, newest first.

    Read from the audit log, where each such change is written (``services_sessions``). Two queries.
    """
    since = timezone.now() - timedelta(days=CLIENT_CHANGES_DAYS)
    events = list(
        AuditEvent.objects.for_practice(staff.practice)
        .filter(object_type=CLIENT_CHANGE, actor_role="client", at__gte=since, detail__by="client")
        .values("object_id", "at", "detail")[:50]
    )
    if not events:
        return ""
    appointments = {
        str(a.uuid): a
        for a in Appointment.objects.filter(therapist=staff, uuid__in=[e["object_id"] for e in events]).select_related(
            "client__user"
        )
    }
    zone = staff.practice.zone
    changes = []
    for event in events:
        appointment = appointments.get(event["object_id"])
        if appointment is None or appointment.client is None:
            continue  # a colleague's client, or a session since handed over
        was = datetime.fromisoformat(event["detail"].get("was", appointment.start.isoformat())).astimezone(zone)
        changes.append(
            {
                "appointment": appointment,
                "change": event["detail"].get("change"),
                "was": was,
                "now": appointment.start.astimezone(zone),
                "at": event["at"].astimezone(zone),
            }
        )
    if not changes:
        return ""
    return render_to_string(
        "bookings/panels/client_changes.html", {"changes": changes[:10], "days": CLIENT_CHANGES_DAYS}, request=request
    )


THERAPIST_HOME = [client_changes]

from zoneinfo import ZoneInfo

from django.template.loader import render_to_string

from bookings.free_times import client_zone
from bookings.models import Appointment
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

from datetime import date

from checkins.models import CheckIn
from checkins.services import client_today
from core.compiled import CompiledRead

# Read on every view of the client's home: built by the ORM once (core/compiled.py), run with the client's day.
_TODAYS = CompiledRead(
    CheckIn,
    lambda shape, *, client, day: CheckIn.objects.for_client(client).on(day).order_by("-created_at")[:1],
    {"client": int, "day": date},
)


def todays_checkin_asked(client):
    """The read of the client's check-in today (``todays_checkin_for_client``), to name to a page's panels."""
    return _TODAYS.asked(client=client.pk, day=client_today(client))


def todays_checkin_for_client(client) -> CheckIn | None:
    """The signed-in client's latest check-in today, if any (only their own)."""
    return todays_checkin_asked(client).first()

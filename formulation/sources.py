"""What the formulation reads from other apps: sessions (bookings) and measure scores (measures).

Kept in one small module so the rest of the app never imports another app's
internals directly. Each function answers with a fixed number of queries.
"""

from datetime import date, datetime, time

from bookings.models import Appointment
from formulation.symptom_shift import Score
from measures.models import MeasureResponse

SYMPTOM_MEASURES = ("phq9", "gad7", "phq15")
SELF_COMPASSION = "scs_sf"


def _local_midnight(day: date, zone) -> datetime:
    return datetime.combine(day, time.min, tzinfo=zone)


def session_dates(client, *, since: date | None = None) -> list[date]:
    """Local dates of the client's sessions that took place or are booked (not cancelled), from ``since``."""
    zone = client.practice.zone
    starts = Appointment.objects.for_client(client).sessions().active()
    if since is not None:
        starts = starts.filter(start__gte=_local_midnight(since, zone))
    starts = starts.order_by("start").values_list("start", flat=True)
    return [start.astimezone(zone).date() for start in starts]


def measure_scores(client, *, since: date | None = None) -> dict[str, list[Score]]:
    """Each instrument's totals over time (from ``since``), oldest first, in one query:
    ``{"phq9": [Score(on, value)], "scs_sf": [...]}`` (WHO-5 as its percentage; SCS-SF as its mean)."""
    zone = client.practice.zone
    rows = MeasureResponse.objects.for_client(client)
    if since is not None:
        rows = rows.filter(completed_at__gte=_local_midnight(since, zone))
    rows = rows.chronological().values_list("instrument", "completed_at", "total")
    found: dict[str, list[Score]] = {}
    for instrument, completed_at, total in rows:
        value = total * 4 if instrument == "who5" else total
        found.setdefault(instrument, []).append(Score(on=completed_at.astimezone(zone).date(), value=float(value)))
    return found

"""What the formulation reads from other apps: sessions (bookings) and measure scores (measures).

Kept in one small module so the rest of the app never imports another app's
internals directly. Each function answers with a fixed number of queries.
"""

from datetime import date, datetime, time

from bookings.models import Appointment
from core.compiled import EVER, CompiledRead
from formulation.symptom_shift import Score
from measures.models import MeasureResponse

SYMPTOM_MEASURES = ("phq9", "gad7", "phq15")
SELF_COMPASSION = "scs_sf"


def _local_midnight(day: date, zone) -> datetime:
    return datetime.combine(day, time.min, tzinfo=zone)


# Read on every view of a formulation: built by the ORM once (core/compiled.py), from a moment (``EVER`` for the
# whole history).
_SESSION_STARTS = CompiledRead(
    Appointment,
    lambda shape, *, client, since: Appointment.objects.for_client(client)
    .sessions()
    .active()
    .filter(start__gte=since)
    .order_by("start")
    .values_list("start"),
    {"client": int, "since": datetime},
)
_SCORES = CompiledRead(
    MeasureResponse,
    lambda shape, *, client, since: MeasureResponse.objects.for_client(client)
    .filter(completed_at__gte=since)
    .chronological()
    .values_list("instrument", "completed_at", "total"),
    {"client": int, "since": datetime},
)


def _asked(read, client, since: date | None):
    """``read`` for ``client`` from the start of the practice's day ``since`` (or ever)."""
    moment = EVER if since is None else _local_midnight(since, client.practice.zone)
    return read.asked(client=client.pk, since=moment)


def _read(read, client, since: date | None) -> list[tuple]:
    return _asked(read, client, since).rows()


def sources_asked(client, *, since: date | None = None) -> list:
    """The reads of ``session_dates`` and ``measure_scores``, to read ahead with a page's others."""
    return [_asked(_SESSION_STARTS, client, since), _asked(_SCORES, client, since)]


def session_dates(client, *, since: date | None = None) -> list[date]:
    """Local dates of the client's sessions that took place or are booked (not cancelled), from ``since``."""
    zone = client.practice.zone
    return [start.astimezone(zone).date() for (start,) in _read(_SESSION_STARTS, client, since)]


def measure_scores(client, *, since: date | None = None) -> dict[str, list[Score]]:
    """Each instrument's totals over time (from ``since``), oldest first, in one query:
    ``{"phq9": [Score(on, value)], "scs_sf": [...]}`` (WHO-5 as its percentage; SCS-SF as its mean)."""
    zone = client.practice.zone
    found: dict[str, list[Score]] = {}
    for instrument, completed_at, total in _read(_SCORES, client, since):
        value = total * 4 if instrument == "who5" else total
        found.setdefault(instrument, []).append(Score(on=completed_at.astimezone(zone).date(), value=float(value)))
    return found

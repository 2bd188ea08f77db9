"""What the formulation reads from other apps: sessions (bookings) and measure scores (measures).

Kept in one small module so the rest of the app never imports another app's
internals directly. Each function answers with a fixed number of queries.
"""

from datetime import date

from formulation.rules import Score

SYMPTOM_MEASURES = ("phq9", "gad7", "phq15")
SELF_COMPASSION = "scs_sf"


def session_dates(client) -> list[date]:
    """Local dates of the client's sessions that took place or are booked (not cancelled)."""
    from bookings.models import Appointment

    zone = client.practice.zone
    starts = (
        Appointment.objects.for_client(client).sessions().active().order_by("start").values_list("start", flat=True)
    )
    return [start.astimezone(zone).date() for start in starts]


def measure_scores(client) -> dict[str, list[Score]]:
    """Each instrument's totals over time, oldest first: {"phq9": [Score(on, value)], "scs_sf": [...]}.

    Reads ``measures.selectors.score_series`` (issue 4). Until that exists this
    answers with no scores, and the measure rows of the timeline and the
    self-compassion rule stay quiet.
    """
    try:
        from measures import selectors
    except ImportError:
        return {}
    series = getattr(selectors, "score_series", None)
    if series is None:
        return {}
    found: dict[str, list[Score]] = {}
    for instrument, points in series(client).items():
        found[instrument] = [Score(on=on, value=float(value)) for on, value in points]
    return found

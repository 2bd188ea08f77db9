"""Reading a client's self-care for their therapist."""

from datetime import datetime

from django.db.models import Count

from core.compiled import EVER, CompiledRead
from practice.care_status import care_ended_at
from selfcare.models import Tick


def _done(shape, *, client, since, ended):
    (care_ended,) = shape
    ticks = Tick.objects.filter(activity__client=client, done_at__gt=since)
    if care_ended:
        ticks = ticks.filter(done_at__lt=ended)
    return (
        ticks.values("activity__text", "activity__area")
        .annotate(times=Count("id"))
        .order_by("-times")
        .values_list("activity__text", "times")
    )


# Read before every session ("since we last met"): built by the ORM once (core/compiled.py).
_DONE = CompiledRead(Tick, _done, {"client": int, "since": datetime, "ended": datetime})


def done_since(client, since: datetime | None) -> list[dict]:
    """What the client made room for after ``since`` (or ever): each activity's words and how many times,
    most often first. Two queries at most.

    Activities since set aside count too: the time was made all the same. Nothing done after our work
    together ended (issue 21): that self-care is the client's own.
    """
    rows = done_since_asked(client, since, ended_at=care_ended_at(client)).rows()
    return [{"text": text, "times": times} for text, times in rows]


def done_since_asked(client, since: datetime | None, *, ended_at: datetime | None = None):
    """The read of ``done_since`` for a client whose care ended at ``ended_at`` (None: it goes on), to read ahead
    with a page's others (``core.compiled.reads_ahead``)."""
    return _DONE.asked((ended_at is not None,), client=client.pk, since=since or EVER, ended=ended_at or EVER)

"""Reading a client's self-care for their therapist."""

from datetime import datetime

from django.db.models import Count

from practice.care_status import care_ended_at
from selfcare.models import Tick


def done_since(client, since: datetime | None) -> list[dict]:
    """What the client made room for after ``since`` (or ever): each activity's words and how many times,
    most often first. Two queries at most.

    Activities since set aside count too: the time was made all the same. Nothing done after our work
    together ended (issue 21): that self-care is the client's own.
    """
    ticks = Tick.objects.filter(activity__client=client)
    ended_at = care_ended_at(client)
    if ended_at is not None:
        ticks = ticks.filter(done_at__lt=ended_at)
    if since:
        ticks = ticks.filter(done_at__gt=since)
    rows = ticks.values("activity__text", "activity__area").annotate(times=Count("id")).order_by("-times")
    return [{"text": r["activity__text"], "times": r["times"]} for r in rows]

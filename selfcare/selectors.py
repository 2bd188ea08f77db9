"""Reading a client's self-care for their therapist."""

from datetime import datetime

from django.db.models import Count

from selfcare.models import Tick


def done_since(client, since: datetime | None) -> list[dict]:
    """What the client made room for after ``since`` (or ever): each activity's words and how many times,
    most often first. One query.

    Activities since set aside count too: the time was made all the same.
    """
    ticks = Tick.objects.filter(activity__client=client)
    if since:
        ticks = ticks.filter(done_at__gt=since)
    rows = ticks.values("activity__text", "activity__area").annotate(times=Count("id")).order_by("-times")
    return [{"text": r["activity__text"], "times": r["times"]} for r in rows]

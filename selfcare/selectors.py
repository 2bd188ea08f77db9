"""Reading a client's self-care for their therapist."""

from datetime import datetime, time

from django.db.models import Count

from practice.models import CareChange, Client
from selfcare.models import Tick


def care_ended_at(client) -> datetime | None:
    """When the client's care ended (None while it has not): what they do from then on is theirs alone."""
    if not client.care_has_ended:
        return None
    changed = (
        CareChange.objects.filter(client=client, status=Client.CareStatus.ENDED)
        .order_by("-changed_at")
        .values_list("changed_at", flat=True)
        .first()
    )
    return changed or datetime.combine(client.care_status_since, time.min, tzinfo=client.practice.zone)


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

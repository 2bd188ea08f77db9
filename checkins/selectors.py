"""Reading check-ins: each scale's averages over time, for the journey and for the therapist.

A check-in made after our work together ended (``after_ending``) is the client's alone: staff reads
(``scale_trends``, ``with_notes``, ``scale_averages(for_staff_view=True)``) leave it out (issue 21)."""

from datetime import date, datetime, timedelta

from django.db.models import Avg, Count, F, Q
from django.db.models.functions import TruncMonth, TruncWeek
from django.utils import timezone

from checkins.models import SCALES, SHORT_LABELS, CheckIn
from core.compiled import EVER, CompiledRead


def for_staff(client):
    """The client's check-ins a member of the practice may read: none made after the ending."""
    return CheckIn.objects.for_client(client).filter(after_ending=False)


def _trends(shape, *, client, before, start, end):
    now_q = Q(local_date__gt=start, local_date__lte=end)
    then_q = Q(local_date__gt=before, local_date__lte=start)
    aggregates = {"n": Count("id", filter=now_q)}
    for name in SHORT_LABELS:
        aggregates[f"{name}_now"] = Avg(name, filter=now_q)
        aggregates[f"{name}_then"] = Avg(name, filter=then_q)
    # Grouped by the one client, so that it is a queryset a CompiledRead keeps (no row when there is no check-in).
    return (
        for_staff(client)
        .filter(local_date__gt=before, local_date__lte=end)
        .values("client")
        .annotate(**aggregates)
        .values_list(*aggregates)
    )


# Read before every session ("since we last met"): built by the ORM once (core/compiled.py).
_TRENDS = CompiledRead(CheckIn, _trends, {"client": int, "before": date, "start": date, "end": date})


def trends_asked(client, since: datetime | None, until: datetime):
    """The read of ``scale_trends``, to read ahead with a page's others (``core.compiled.reads_ahead``)."""
    zone = client.practice.zone
    end = timezone.localtime(until, zone).date()
    start = timezone.localtime(since, zone).date() if since else end - timedelta(days=28)
    return _TRENDS.asked(client=client.pk, before=start - (end - start), start=start, end=end)


def scale_trends(client, since: datetime | None, until: datetime) -> dict:
    """For the therapist (none made after the ending): average of each 0-10 scale from ``since`` (or four
    weeks) to ``until``, beside the same length of time before. One query.

    ``{"count": check-ins in the stretch, "rows": [{"label", "now", "then"}]}``, a row for each scale
    the client answered in the stretch.
    """
    count, *averages = trends_asked(client, since, until).row(default=(0,) + (None,) * (2 * len(SHORT_LABELS)))
    rows = []
    for label, now_value, then_value in zip(SHORT_LABELS.values(), averages[::2], averages[1::2], strict=True):
        if now_value is None:
            continue
        rows.append(
            {"label": label, "now": round(now_value, 1), "then": None if then_value is None else round(then_value, 1)}
        )
    return {"count": count, "rows": rows}


# Where each period of a chart begins: the day itself, its week's Monday, or the first of its month.
_PERIOD_START = {"day": F("local_date"), "week": TruncWeek("local_date"), "month": TruncMonth("local_date")}


def _averages(shape, *, client, start):
    per, for_staff_view = shape
    checkins = for_staff(client) if for_staff_view else CheckIn.objects.for_client(client)
    return (
        checkins.filter(local_date__gte=start)
        .annotate(b=_PERIOD_START[per])
        .values("b")
        .annotate(n=Count("id"), **{name: Avg(name) for name in SCALES})
        .order_by("b")
        .values_list("b", "n", *SCALES)
    )


# Read on every view of a journey: built by the ORM once per period and reader (core/compiled.py).
_AVERAGES = CompiledRead(CheckIn, _averages, {"client": int, "start": date})


def averages_asked(client, *, start: date | None, per: str, for_staff_view: bool):
    """The read of ``scale_averages``, to read ahead with a page's others (``core.compiled.reads_ahead``)."""
    return _AVERAGES.asked((per, for_staff_view), client=client.pk, start=start or EVER.date())


def scale_averages(client, *, start: date | None = None, per: str = "day", for_staff_view: bool = False) -> list[dict]:
    """Each scale's average per day, week or month from ``start`` (or ever), oldest first. One query.

    ``[{"b": the period's first day, "n": check-ins in it, "mood": 5.5, ...}]``: averaged in the
    database, so years of check-ins stay quick. ``for_staff_view``: leave out those made after the ending.
    """
    names = ("b", "n", *SCALES)
    rows = averages_asked(client, start=start, per=per, for_staff_view=for_staff_view).rows()
    return [dict(zip(names, row, strict=True)) for row in rows]


_WITH_NOTES = CompiledRead(
    CheckIn,
    lambda shape, *, client: for_staff(client)
    .filter(note__isnull=False)
    .order_by("-local_date", "-created_at")[: shape[0]],
    {"client": int},
)


def with_notes(client, *, limit: int) -> list[CheckIn]:
    """For the therapist: the client's latest check-ins that carry a note, newest first, none made after
    the ending. One query."""
    return with_notes_asked(client, limit=limit).objects()


def with_notes_asked(client, *, limit: int):
    """The read of ``with_notes``, to read ahead with a page's others."""
    return _WITH_NOTES.asked((limit,), client=client.pk)

"""A therapist's first time away not yet ended: asked on every view of a client's home and conversation."""

from datetime import date

from core.compiled import CompiledRead
from practice.models import AwayPeriod

# Built by the ORM once (core/compiled.py). The shape says whether only periods starting by ``until`` count.
_FIRST = CompiledRead(
    AwayPeriod,
    lambda shape, *, staff, today, until: AwayPeriod.objects.filter(staff=staff)
    .current_or_coming(today, until=until if shape[0] else None)
    .select_related("cover__user")[:1],
    {"staff": int, "today": date, "until": date},
)


def first_away_asked(staff_id: int, today: date, *, until: date | None = None):
    """The read ``first_away`` makes, to name to a page's panels (``core.panels.reading``)."""
    return _FIRST.asked((until is not None,), staff=staff_id, today=today, until=until or today)


def first_away(staff_id: int, today: date, *, until: date | None = None) -> AwayPeriod | None:
    """``staff_id``'s time away under way on ``today`` or the soonest to come (starting by ``until``, if given)."""
    return first_away_asked(staff_id, today, until=until).first()

"""Reading risk alerts for the caseload and the page before a session."""

from datetime import datetime

from django.db.models import Count

from core.compiled import EVER, CompiledRead
from core.panels import shared
from practice.access import staff_shaped
from risk.models import RiskAlert


def roles(staff) -> tuple[bool, bool, bool]:
    """What ``RiskAlert.objects.for_staff`` asks of who is asking: the shape of a kept read of the alerts they see."""
    return (staff.is_therapist, staff.is_owner, staff.is_active)


def seen_by(shape, staff: int, practice: int):
    """``RiskAlert.objects.for_staff`` as a kept read builds it: asked of a stand-in with the roles ``shape`` starts
    with (``roles``), a staff member's key and their practice's."""
    is_therapist, is_owner, is_active = shape[:3]
    member = staff_shaped(staff, practice, is_therapist=is_therapist, is_owner=is_owner, is_active=is_active)
    return RiskAlert.objects.for_staff(member)


def _open_by_client(shape, *, staff, practice):
    return seen_by(shape, staff, practice).open().values("client_id").annotate(n=Count("id")).order_by()


# Read on every staff page (the navigation's count): its SQL is the ORM's, written once per shape (core/compiled.py).
_OPEN_BY_CLIENT = CompiledRead(RiskAlert, _open_by_client, {"staff": int, "practice": int})


def open_counts_asked(staff):
    """The read of ``open_counts_by_client``, to read ahead with a page's others (``core.compiled.reads_ahead``)."""
    return _OPEN_BY_CLIENT.asked(roles(staff), staff=staff.pk, practice=staff.practice_id)


def open_counts_by_client(staff, *, request=None) -> dict:
    """{client_id: open alerts} of the alerts this staff member must see (``RiskAlert.objects.for_staff``). One
    query, once per request when ``request`` is given: the caseload lists them per client and the navigation's
    count is their sum."""

    def read() -> dict:
        return dict(open_counts_asked(staff).rows())

    return read() if request is None else shared(request, ("risk.open_counts_by_client", staff.pk), read)


def _since(shape, *, client, since):
    limit, from_a_moment = shape
    found = RiskAlert.objects.filter(client=client)
    if from_a_moment:
        found = found.open() | found.filter(raised_at__gt=since)
    return found.select_related("acknowledged_by").order_by("-raised_at")[:limit]


# Read before every session ("since we last met"): built by the ORM once (core/compiled.py).
_SINCE = CompiledRead(RiskAlert, _since, {"client": int, "since": datetime})


def alerts_since(client, since: datetime | None, *, limit: int = 20) -> list[RiskAlert]:
    """The client's alerts still open and those raised after ``since`` (all when None), newest first. One query."""
    return alerts_since_asked(client, since, limit=limit).objects()


def alerts_since_asked(client, since: datetime | None, *, limit: int = 20):
    """The read of ``alerts_since``, to read ahead with a page's others (``core.compiled.reads_ahead``)."""
    return _SINCE.asked((limit, since is not None), client=client.pk, since=since or EVER)

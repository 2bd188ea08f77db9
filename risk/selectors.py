"""Reading risk alerts for the caseload and the page before a session."""

from datetime import datetime

from django.db.models import Count

from core.panels import shared
from risk.models import RiskAlert


def open_counts_by_client(staff, *, request=None) -> dict:
    """{client_id: open alerts} of the alerts this staff member must see. One query, once per request when
    ``request`` is given: the caseload lists them per client and the navigation's count is their sum."""

    def read() -> dict:
        rows = RiskAlert.objects.for_staff(staff).open().values("client_id").annotate(n=Count("id")).order_by()
        return {row["client_id"]: row["n"] for row in rows}

    return read() if request is None else shared(request, ("risk.open_counts_by_client", staff.pk), read)


def alerts_since(client, since: datetime | None, *, limit: int = 20) -> list[RiskAlert]:
    """The client's alerts still open and those raised after ``since`` (all when None), newest first. One query."""
    found = RiskAlert.objects.filter(client=client)
    if since:
        found = found.open() | found.filter(raised_at__gt=since)
    return list(found.select_related("acknowledged_by").order_by("-raised_at")[:limit])

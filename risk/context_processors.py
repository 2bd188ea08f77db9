from django.db import DatabaseError

from practice.access import staff_for
from risk.selectors import open_counts_by_client


def open_alerts(request):
    """How many open alerts wait for the signed-in staff member, for the count beside "Alerts" in the
    navigation of every page (owners: every escalated alert of the practice).

    Counted only when a template shows it, once per request (panels render with the request too), and
    never failing a page.
    """

    def count() -> int:
        if not hasattr(request, "_open_alert_count"):
            request._open_alert_count = _count(request)
        return request._open_alert_count

    return {"open_alert_count": count}


def _count(request) -> int:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return 0
    try:
        staff = staff_for(user)
        # The caseload has already read the open alerts per client on its page: their sum is the count.
        return sum(open_counts_by_client(staff, request=request).values()) if staff is not None else 0
    except DatabaseError:
        return 0

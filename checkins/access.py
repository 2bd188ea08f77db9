from checkins.models import CheckIn
from checkins.services import client_today


def todays_checkin_for_client(client) -> CheckIn | None:
    """The signed-in client's latest check-in today, if any (only their own)."""
    return CheckIn.objects.for_client(client).on(client_today(client)).order_by("-created_at").first()

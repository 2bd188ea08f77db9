"""Who may change which piece of care. Each helper returns the object or raises Http404."""

from django.http import Http404

from practice.access import staff_for
from practice.models import AwayPeriod


def get_away_period_for_staff(user, period_uuid) -> AwayPeriod:
    """A time away the signed-in person may change: their own, or (owners) anyone's in their practice."""
    staff = staff_for(user)
    if staff is None:
        raise Http404
    try:
        # Within the person's practice: the lookup names the tenant (docs/scale.md, sharding by practice).
        period = AwayPeriod.objects.select_related("staff__user", "staff__practice").get(
            uuid=period_uuid, staff__practice_id=staff.practice_id
        )
    except (AwayPeriod.DoesNotExist, ValueError):
        raise Http404 from None
    if period.staff_id == staff.id or (staff.is_owner and period.staff.practice_id == staff.practice_id):
        return period
    raise Http404

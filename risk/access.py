from django.http import Http404

from practice.access import staff_for
from risk.models import RiskAlert


def get_alert_for_staff(user, alert_uuid) -> RiskAlert:
    """An alert the signed-in staff member must see: their own client's, or (owners) one escalated to them."""
    staff = staff_for(user)
    if staff is None:
        raise Http404
    try:
        return RiskAlert.objects.with_people().for_staff(staff).get(uuid=alert_uuid)
    except (RiskAlert.DoesNotExist, ValueError):
        raise Http404 from None

"""Who sees which risk alert. Each helper returns the alert or raises Http404.

An alert is seen by whoever must act on it (``RiskAlert.objects.for_staff``): the client's therapist,
a colleague covering, and (owners) any escalated to them. Acknowledging one is answering the alert, not
writing the clinical record, so an owner does it without emergency access. An erased client's alerts are
part of their restricted record (dataprivacy) and open for nobody here.
"""

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404

from practice.access import staff_for
from risk.models import RiskAlert


def alerts_for_staff(staff) -> QuerySet:
    """The alerts ``staff`` must see, erased clients' left out."""
    return RiskAlert.objects.with_people().for_staff(staff).exclude(client__erasure__completed_at__isnull=False)


def get_alert_for_staff(user, alert_uuid) -> RiskAlert:
    """An alert the signed-in staff member must see: their own client's, or (owners) one escalated to them."""
    staff = staff_for(user)
    if staff is None:
        raise Http404
    try:
        return alerts_for_staff(staff).get(uuid=alert_uuid)
    except (RiskAlert.DoesNotExist, ValidationError, ValueError):
        raise Http404 from None

from django.core.exceptions import ValidationError
from django.http import Http404

from bookings.models import Appointment


def get_appointment_of_client(client, appointment_uuid) -> Appointment:
    """One of ``client``'s appointments (the caller has already been allowed to see the client)."""
    try:
        return Appointment.objects.for_client(client).get(uuid=appointment_uuid)
    except (Appointment.DoesNotExist, ValueError, ValidationError):
        raise Http404 from None

"""Who may see which appointment. Each helper returns the object or raises Http404."""

from django.http import Http404
from django.shortcuts import get_object_or_404

from bookings.models import Appointment, Availability
from practice.models import Practice, StaffMember


def get_practice_public(slug: str) -> Practice:
    return get_object_or_404(Practice, slug=slug)


def get_appointment_for_client(client, appointment_uuid) -> Appointment:
    try:
        return Appointment.objects.with_people().get(uuid=appointment_uuid, client=client)
    except (Appointment.DoesNotExist, ValueError):
        raise Http404 from None


def get_appointment_for_therapist(staff, appointment_uuid) -> Appointment:
    try:
        return Appointment.objects.with_people().get(uuid=appointment_uuid, therapist=staff)
    except (Appointment.DoesNotExist, ValueError):
        raise Http404 from None


def get_feed_therapist(token: str) -> StaffMember:
    if not token or len(token) < 20:
        raise Http404
    rules = (
        Availability.objects.select_related("therapist__practice", "therapist__user").filter(feed_token=token).first()
    )
    if rules is None or not rules.therapist.is_active:
        raise Http404
    return rules.therapist

"""Who may see which appointment. Each helper returns the object or raises Http404."""

from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404

from bookings.models import Appointment, Availability
from practice.access import clinical_access, staff_for
from practice.models import Practice, StaffMember


def get_practice_public(slug: str) -> Practice:
    return get_object_or_404(Practice, slug=slug)


def get_appointment_for_client(client, appointment_uuid) -> Appointment:
    try:
        return Appointment.objects.with_people().get(uuid=appointment_uuid, client=client)
    except (Appointment.DoesNotExist, ValueError):
        raise Http404 from None


def get_appointment_for_clinician(user, appointment_uuid) -> tuple[Appointment, bool]:
    """An appointment ``user`` may see, and whether they may change it (confirm, cancel, record an outcome).

    The therapist whose calendar it is reads and changes it; an owner with emergency access to its client
    reads it only (``practice.access.clinical_access``); an erased client's appointments open for nobody.
    """
    staff = staff_for(user)
    if staff is None:
        raise Http404
    try:
        appointment = Appointment.objects.with_people().get(uuid=appointment_uuid, practice=staff.practice)
    except (Appointment.DoesNotExist, ValidationError, ValueError):
        raise Http404 from None
    if appointment.client_id is not None and appointment.client.is_erased:
        raise Http404  # part of an erased client's restricted record (dataprivacy)
    if staff.is_therapist and appointment.therapist_id == staff.id:
        return appointment, True
    if appointment.client_id is not None:
        _client, own_therapist = clinical_access(user, appointment.client.uuid)
        if not own_therapist:
            return appointment, False  # emergency access: read only
    # The client's therapist now, on a colleague's calendar entry: it stays the colleague's.
    raise Http404


def get_rw_appointment_for_clinician(user, appointment_uuid) -> Appointment:
    appointment, can_write = get_appointment_for_clinician(user, appointment_uuid)
    if not can_write:
        raise Http404
    return appointment


def get_appointment_for_office(user, appointment_uuid) -> Appointment:
    """Any appointment of the practice, for the office (an owner or an administrator) to confirm, move or
    cancel: who, when, with whom and how, never what a consultation request says brings them. An erased
    client's appointments open for nobody."""
    staff = staff_for(user)
    if staff is None or not staff.runs_office:
        raise Http404
    try:
        appointment = Appointment.objects.with_people().get(uuid=appointment_uuid, practice=staff.practice)
    except (Appointment.DoesNotExist, ValidationError, ValueError):
        raise Http404 from None
    if appointment.client_id is not None and appointment.client.is_erased:
        raise Http404
    return appointment


def get_feed_therapist(token: str) -> StaffMember:
    if not token or len(token) < 20:
        raise Http404
    # Only the secret's hash is stored (Availability.feed_token); an equality lookup on it is safe
    # against timing, since the hash of a guess tells nothing about the stored hash.
    rules = (
        Availability.objects.select_related("therapist__practice", "therapist__user")
        .filter(feed_token=Availability.feed_digest(token))
        .first()
    )
    if rules is None or not rules.therapist.is_active:
        raise Http404
    return rules.therapist

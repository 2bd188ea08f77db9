"""Writes at the practice's front door: a visitor's free consultation, from the request to its outcome.

A request is booked with the first therapist free at the chosen time; the therapist records how it
went (invited as a client, or a kind "not now"); a client who joins from it is linked to it; and
requests that came to nothing are deleted after 90 days.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import Invitation
from accounts.services import invitation_create
from audit.models import AuditEvent
from audit.services import audit_record
from bookings.consultation_requests import already_email_queue, consultations_held
from bookings.emails import appointment_email_queue, booking_email_queue
from bookings.models import Appointment, BookingSettings, Consultation, Kind, Mode
from bookings.services_appointments import (
    TAKEN,
    SlotTaken,
    alternatives,
    appointment_book,
    appointment_cancel,
    modes_offered,
)
from bookings.slots import free_at


@dataclass
class ConsultationResult:
    consultation: Consultation | None
    appointment: Appointment | None
    # True when nothing was booked (the email is at its limit); the page says the same either way.
    declined: bool = False
    extra: dict = field(default_factory=dict)


def _pick_therapist(therapists, start) -> list:
    """The therapists free at ``start`` for a consultation, in the order offered (one practice, four queries)."""
    return free_at(therapists, Kind.CONSULTATION, start)


def consultation_create(
    *, practice, name: str, email: str, phone: str = "", note: str = "", time_zone: str = "Europe/London"
) -> Consultation:
    """A visitor's request, as they wrote it (trimmed; the address in lower case)."""
    return Consultation.objects.create(
        practice=practice,
        name=name.strip(),
        email=email.strip().lower(),
        phone=phone.strip(),
        note=note.strip(),
        time_zone=time_zone,
    )


def consultation_book(
    *,
    practice,
    therapists: list,
    start: datetime,
    name: str,
    email: str,
    phone: str = "",
    note: str = "",
    mode: str = Mode.ONLINE,
    time_zone: str = "Europe/London",
    key: str = "",
) -> ConsultationResult:
    """Book a visitor's free consultation with the first of ``therapists`` free at ``start``.

    An email already at the practice's limit books nothing and gets an email
    saying so; the caller shows the same page either way.
    """
    email = email.strip().lower()
    booking_rules = BookingSettings.for_practice(practice)
    if key:
        existing = Appointment.objects.filter(idempotency_key=key).select_related("consultation").first()
        if existing is not None:
            return ConsultationResult(existing.consultation, existing)
    # Booked consultations and requests still waiting for a time both count (consultation_requests.py).
    held, waiting, booked = consultations_held(practice=practice, email=email)
    if held >= booking_rules.consultations_per_email:
        if key:
            # A retry of a booking that committed a moment ago: answer with that booking.
            existing = Appointment.objects.filter(idempotency_key=key).select_related("consultation").first()
            if existing is not None:
                return ConsultationResult(existing.consultation, existing)
        already_email_queue(practice=practice, email=email, name=name, waiting=waiting, booked=booked)
        return ConsultationResult(None, None, declined=True)

    candidates = _pick_therapist(therapists, start)
    if not candidates:
        raise SlotTaken(TAKEN, alternatives(therapists[0], Kind.CONSULTATION, around=start) if therapists else [])
    status = Appointment.Status.REQUESTED if booking_rules.require_confirmation else Appointment.Status.CONFIRMED
    with transaction.atomic():
        consultation = consultation_create(
            practice=practice, name=name, email=email, phone=phone, note=note, time_zone=time_zone
        )
        appointment = None
        last_error = None
        for therapist in candidates:
            modes = modes_offered(therapist)
            try:
                appointment = appointment_book(
                    therapist=therapist,
                    kind=Kind.CONSULTATION,
                    mode=mode if mode in modes else modes[0],
                    start=start,
                    consultation=consultation,
                    booked_by="visitor",
                    key=key,
                    status=status,
                )
                break
            except SlotTaken as error:
                last_error = error
        if appointment is None:
            # Nothing was booked: leave no personal details behind.
            consultation.delete()
            raise last_error
        if appointment.consultation_id != consultation.id:  # an idempotent retry won
            consultation.delete()
            return ConsultationResult(appointment.consultation, appointment)
        appointment_email_queue(
            appointment=appointment,
            template="consultation_booked",
            subject=f"Your free consultation with {practice.name}",
        )
    return ConsultationResult(consultation, appointment)


def consultation_outcome(*, appointment: Appointment, staff, outcome: str, include_other_help: bool, request=None):
    """Record how a consultation went: invite as a client, or a kind "not now"."""
    consultation = appointment.consultation
    with transaction.atomic():
        consultation.outcome = outcome
        consultation.outcome_at = timezone.now()
        fields = ["outcome", "outcome_at"]
        if appointment.status != Appointment.Status.CANCELLED and appointment.start <= timezone.now():
            Appointment.objects.filter(pk=appointment.pk).update(status=Appointment.Status.COMPLETED)
        if outcome == Consultation.Outcome.GOOD_FIT:
            invitation, _token = invitation_create(
                invited_by=staff,
                email=consultation.email,
                role=Invitation.Role.CLIENT,
                name=consultation.name,
                therapist=appointment.therapist,
                request=request,
            )
            consultation.invitation = invitation
            fields.append("invitation")
        else:
            rules = BookingSettings.for_practice(appointment.practice)
            context = {
                "name": consultation.name,
                "practice": appointment.practice,
                "therapist": appointment.therapist,
                "other_help": rules.other_help if include_other_help else "",
                "crisis_url": settings.SITE_URL + reverse("practice:crisis"),
            }
            booking_email_queue(
                subject=f"Thank you for talking with {appointment.practice.name}",
                template="bookings/email/not_now.txt",
                context=context,
                to=consultation.email,
                kind="Consultation follow-up",
                practice=appointment.practice,
            )
        consultation.save(update_fields=fields)
        audit_record(
            action=AuditEvent.Action.UPDATE,
            object_type="bookings.consultation",
            object_id=consultation.uuid,
            request=request,
            actor=staff.user,
            practice=appointment.practice,
            detail={"fields": ["outcome"], "outcome": outcome},
        )
    return consultation


def consultation_link_client(*, client) -> int:
    """Link a new client to the consultation whose invitation they accepted (it is then kept past 90 days)."""
    return Consultation.objects.filter(
        practice=client.practice, invitation__email=client.user.email, converted_client__isnull=True
    ).update(converted_client=client)


def consultations_purge(*, now=None) -> int:
    """Delete unconverted consultation requests (and their notes and appointments) after 90 days."""
    cutoff = (now or timezone.now()) - timedelta(days=90)
    stale = Consultation.objects.unconverted_older_than(cutoff).exclude(invitation__accepted_at__isnull=False)
    # Keep any whose consultation is still ahead (booked far out, or moved).
    stale = stale.exclude(appointments__end__gt=cutoff)
    count = 0
    with transaction.atomic():
        for consultation in stale:
            consultation.delete()
            count += 1
    return count


def consultations_of_leaving_therapist(*, therapist) -> list:
    """Cancel the future consultations a therapist who is leaving still has; each visitor is told and
    can book again with someone else from the practice's page."""
    upcoming = Appointment.objects.for_therapist(therapist).active().upcoming().consultations()
    return [
        appointment_cancel(appointment=a, by="practice") for a in upcoming.select_related("practice", "consultation")
    ]

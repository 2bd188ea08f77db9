"""Writes for sessions and the therapist's calendar: a client's sessions, the private calendar feed,
and what happens to a client's sessions when their therapist or their care changes."""

import secrets
from datetime import datetime, timedelta

from django.db import IntegrityError, OperationalError, transaction
from django.utils import timezone

from audit.models import AuditEvent
from audit.services import audit_record
from bookings.emails import appointment_email_queue, change_email_queue, therapist_told_email_queue
from bookings.models import Appointment, Availability, BookingSettings, Kind
from bookings.services_appointments import (
    TAKEN,
    BookingError,
    SlotTaken,
    alternatives,
    appointment_book,
    appointment_cancel,
    appointment_move,
    booked_before,
    modes_offered,
    refused,
)
from bookings.slots import slot_is_free
from practice.attention import client_changed

ENDED = (
    "Care with this client has ended, so no new sessions are booked. If they would like to come back, set their "
    "care to active first (Care status on their record)."
)

# The audit log's name for a session a client moved or cancelled themselves (the therapist's home lists them).
CLIENT_CHANGE = "bookings.appointment"


def session_book(*, client, start: datetime, mode: str, by: str, key: str = "", check_slot: bool = True) -> Appointment:
    """Book a session for ``client`` with their own therapist (none once our work together has ended)."""
    if client.care_has_ended:
        raise BookingError(ENDED)
    if (existing := booked_before(key, client=client)) is not None:
        return existing  # the same form sent again (a double tap, a reload): nothing is sent again
    therapist = client.therapist
    if check_slot and not slot_is_free(therapist, Kind.SESSION, start):
        raise SlotTaken(TAKEN, alternatives(therapist, Kind.SESSION, around=start))
    modes = modes_offered(therapist)
    with transaction.atomic():
        appointment = appointment_book(
            therapist=therapist,
            kind=Kind.SESSION,
            mode=mode if mode in modes else modes[0],
            start=start,
            client=client,
            booked_by=by,
            key=key,
            status=Appointment.Status.CONFIRMED,
        )
        if client.care_status != "paused" and not appointment.was_retry:
            appointment_email_queue(
                appointment=appointment, template="session_booked", subject=f"Your session with {client.practice.name}"
            )
    return appointment


def session_move_by_client(*, appointment: Appointment, start: datetime) -> Appointment:
    """The client moves their own session (after confirming it): moved, the client emailed, and their
    therapist told in the app (``client_changes``) and by email."""
    was = appointment.start
    with transaction.atomic():
        appointment_move(appointment=appointment, start=start, by="client")
        _client_change_record(appointment=appointment, change="moved", was=was)
    return appointment


def session_cancel_by_client(*, appointment: Appointment) -> Appointment:
    """The client cancels their own session (after confirming it): cancelled (money may charge a late
    cancellation, through ``appointment_cancelled``), the client emailed, the therapist told."""
    if not appointment.is_active:
        return appointment
    with transaction.atomic():
        appointment_cancel(appointment=appointment, by="client")
        _client_change_record(appointment=appointment, change="cancelled", was=appointment.start)
    return appointment


def _client_change_record(*, appointment: Appointment, change: str, was: datetime) -> None:
    # Kept on the appointment for the therapist's "told in the app" (bookings/panels.py), and audited.
    # Times are not clinical; the detail holds the change and the time it was, nothing more.
    appointment.client_change, appointment.client_changed_at, appointment.client_changed_from = (
        change,
        timezone.now(),
        was,
    )
    appointment.save(update_fields=["client_change", "client_changed_at", "client_changed_from"])
    audit_record(
        action=AuditEvent.Action.UPDATE,
        object_type=CLIENT_CHANGE,
        object_id=appointment.uuid,
        actor=appointment.client.user,
        client=appointment.client,
        practice=appointment.practice,
        detail={"change": change, "by": "client", "was": was.isoformat()},
    )
    therapist_told_email_queue(appointment=appointment, change=change, was=was)


def client_may_change(appointment: Appointment, *, now=None) -> bool:
    """Within the practice's notice policy (hours before the start)."""
    now = now or timezone.now()
    rules = BookingSettings.for_practice(appointment.practice)
    return appointment.is_active and appointment.start - now >= timedelta(hours=rules.notice_hours)


def sessions_cancel_from(*, client, since) -> int:
    """Cancel ``client``'s appointments from the day ``since`` on, telling no one: their care has ended."""
    cancelled = (
        Appointment.objects.for_client(client)
        .active()
        .filter(start__date__gte=since)
        .update(status=Appointment.Status.CANCELLED, cancelled_at=timezone.now())
    )
    client_changed(client.pk, reason="sessions cancelled")
    return cancelled


def feed_token_rotate(*, therapist) -> str:
    """A new private calendar feed secret, which stops any earlier one. Returned once; only its hash is kept."""
    token = secrets.token_urlsafe(32)
    rules = Availability.for_therapist(therapist)
    rules.feed_token = Availability.feed_digest(token)
    rules.save(update_fields=["feed_token"])
    return token


def feed_token_revoke(*, therapist) -> None:
    rules = Availability.for_therapist(therapist)
    rules.feed_token = ""  # nosec B105 - empty means "no feed", not a password
    rules.save(update_fields=["feed_token"])


def sessions_hand_over(*, client, from_therapist, to_therapist, move: bool) -> tuple[list, list]:
    """A client's future appointments with ``from_therapist`` after their care moves (care/services.py).

    With ``move`` each keeps its time with the new therapist where they are free then (the database's
    overlap rule decides); any that cannot move, and all of them without ``move``, are cancelled. The
    client gets the usual email with an updated calendar file for each. Returns (moved, cancelled).
    """
    moved, cancelled = [], []
    upcoming = Appointment.objects.for_client(client).active().upcoming().filter(therapist=from_therapist)
    for appointment in upcoming.select_related("practice", "client__user").order_by("start"):
        if move:
            try:
                with transaction.atomic():
                    Appointment.objects.filter(pk=appointment.pk).update(
                        therapist=to_therapist, sequence=appointment.sequence + 1, updated_at=timezone.now()
                    )
            except (IntegrityError, OperationalError) as error:
                if not refused(error):
                    raise
            else:
                appointment.refresh_from_db()
                change_email_queue(appointment=appointment, change="new_therapist")
                moved.append(appointment)
                continue
        cancelled.append(appointment_cancel(appointment=appointment, by="practice"))
    return moved, cancelled

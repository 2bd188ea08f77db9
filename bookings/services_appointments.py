"""Writes every appointment shares, whoever books it: putting it on a calendar, and moving,
cancelling, restoring or confirming it. The front door (``services_front_door``), sessions
(``services_sessions``) and the demo all book through ``appointment_book``.

The overlap rule is the database's (exclusion constraint on PostgreSQL, trigger
on SQLite). Services check first so the usual answer is friendly, then write
inside a savepoint and turn the database's refusal into ``SlotTaken`` carrying
other free times, so a race lost at the last moment reads the same as one lost
earlier.
"""

from datetime import datetime, timedelta

from django.db import IntegrityError, OperationalError, transaction
from django.utils import timezone

from bookings.emails import change_email_queue
from bookings.models import Appointment, Availability, BookingSettings, Kind, Mode
from bookings.signals import appointment_cancelled
from bookings.slots import Slot, free_slots, slot_is_free


class BookingError(Exception):
    """A booking that cannot be made, with words for the person and other times to offer."""

    def __init__(self, message: str, alternatives: list[Slot] | None = None):
        super().__init__(message)
        self.message = message
        self.alternatives = alternatives or []


class SlotTaken(BookingError):
    pass


TAKEN = "Sorry, that time was just taken by someone else. Here are other times that are free."


def alternatives(therapist, kind, *, around: datetime | None = None, ignore=None, limit=6) -> list[Slot]:
    """Other free times to offer, nearest ``around`` first when it is given."""
    slots = []
    if around is not None:
        slots = free_slots(therapist, kind, ignore=ignore, around=around, span=timedelta(days=3))
    if not slots:
        slots = free_slots(therapist, kind, ignore=ignore)
    if around is not None:
        slots.sort(key=lambda slot: abs((slot.start - around).total_seconds()))
        slots = sorted(slots[:limit], key=lambda slot: slot.start)
    return slots[:limit]


def refused(error: Exception) -> bool:
    """The database refused the write because of another booking.

    An exclusion constraint can also answer "deadlock detected" when two
    transactions insert conflicting rows at the same moment: each waits to see
    whether the other commits, PostgreSQL aborts one, and the other goes on to
    win. For the loser that is the same news as a refusal.
    """
    if isinstance(error, IntegrityError):
        return True
    return isinstance(error, OperationalError) and getattr(error.__cause__, "sqlstate", None) == "40P01"


def booked_before(key: str, *, client=None) -> Appointment | None:
    """The appointment an earlier submission carrying ``key`` made for ``client`` (None for a visitor), marked
    ``was_retry`` so that the caller sends nothing for it again; None when the key has booked nothing. Looked up with
    the client, so a key sent by someone else never hands them another's appointment."""
    if not key:
        return None
    found = Appointment.objects.filter(idempotency_key=key, client=client).first()
    if found is not None:
        found.was_retry = True
    return found


def _insert(appointment: Appointment) -> Appointment:
    """Insert, turning the database's overlap refusal into SlotTaken."""
    try:
        with transaction.atomic():
            appointment.save(force_insert=True)
    except (IntegrityError, OperationalError) as error:
        if not refused(error):
            raise
        # Either the overlap rule or a retried submission (same idempotency key).
        if (existing := booked_before(appointment.idempotency_key, client=appointment.client_id)) is not None:
            return existing
        raise SlotTaken(
            TAKEN, alternatives(appointment.therapist, appointment.kind, around=appointment.start)
        ) from None
    return appointment


def appointment_book(
    *,
    therapist,
    kind: str,
    mode: str,
    start: datetime,
    status: str,
    booked_by: str,
    client=None,
    consultation=None,
    key: str = "",
) -> Appointment:
    """Put one appointment on ``therapist``'s calendar, as long as their rules say, and send nothing.

    Its block runs to its end plus the therapist's buffer. A time the database finds taken raises
    ``SlotTaken``; a retry with the same ``key`` returns the appointment it already made, marked
    ``was_retry`` so that nothing is sent for it again.
    """
    rules = Availability.for_therapist(therapist)
    length = timedelta(minutes=rules.minutes_for(kind))
    return _insert(
        Appointment(
            practice=therapist.practice,
            therapist=therapist,
            client=client,
            consultation=consultation,
            kind=kind,
            mode=mode,
            start=start,
            end=start + length,
            blocked_until=start + length + timedelta(minutes=rules.buffer_minutes),
            status=status,
            booked_by=booked_by,
            idempotency_key=key or None,
        )
    )


def modes_offered(therapist) -> list[str]:
    """How ``therapist`` meets people (in person first); in person when they have switched both off."""
    return Availability.for_therapist(therapist).modes() or [Mode.IN_PERSON]


def appointment_move(*, appointment: Appointment, start: datetime, by: str, check_slot: bool = True) -> Appointment:
    """Move an appointment to ``start`` (same therapist, same length)."""
    if not appointment.is_active:
        raise BookingError("This appointment was cancelled, so it can't be moved. You're welcome to book a new time.")
    if check_slot and not slot_is_free(appointment.therapist, appointment.kind, start, ignore=appointment):
        raise SlotTaken(TAKEN, alternatives(appointment.therapist, appointment.kind, around=start, ignore=appointment))
    length = appointment.end - appointment.start
    buffer = appointment.blocked_until - appointment.end
    rules = BookingSettings.for_practice(appointment.practice)
    try:
        with transaction.atomic():
            appointment.start = start
            appointment.end = start + length
            appointment.blocked_until = start + length + buffer
            appointment.sequence += 1
            appointment.reminder_sent_at = None
            appointment.updated_at = timezone.now()
            if appointment.kind == Kind.CONSULTATION and rules.require_confirmation and by == "visitor":
                appointment.status = Appointment.Status.REQUESTED
            appointment.save(
                update_fields=["start", "end", "blocked_until", "sequence", "reminder_sent_at", "updated_at", "status"]
            )
    except (IntegrityError, OperationalError) as error:
        if not refused(error):
            raise
        appointment.refresh_from_db()
        raise SlotTaken(
            TAKEN, alternatives(appointment.therapist, appointment.kind, around=start, ignore=appointment)
        ) from None
    change_email_queue(appointment=appointment, change="moved")
    return appointment


def appointment_cancel(*, appointment: Appointment, by: str) -> Appointment:
    if not appointment.is_active:
        return appointment
    with transaction.atomic():
        appointment.status = Appointment.Status.CANCELLED
        appointment.cancelled_at = timezone.now()
        appointment.sequence += 1
        appointment.updated_at = timezone.now()
        appointment.save(update_fields=["status", "cancelled_at", "sequence", "updated_at"])
        appointment_cancelled.send(sender=Appointment, appointment=appointment, by=by)
    change_email_queue(appointment=appointment, change="cancelled")
    return appointment


def appointment_restore(*, appointment: Appointment) -> Appointment:
    """Un-cancel, if the time is still free (the database has the last word)."""
    if appointment.is_active:
        return appointment
    try:
        with transaction.atomic():
            appointment.status = Appointment.Status.CONFIRMED
            appointment.cancelled_at = None
            appointment.sequence += 1
            appointment.updated_at = timezone.now()
            appointment.save(update_fields=["status", "cancelled_at", "sequence", "updated_at"])
    except (IntegrityError, OperationalError) as error:
        if not refused(error):
            raise
        appointment.refresh_from_db()
        raise SlotTaken(
            "That time has been booked since, so this appointment can't come back. Here are other free times.",
            alternatives(appointment.therapist, appointment.kind, around=appointment.start),
        ) from None
    change_email_queue(appointment=appointment, change="restored")
    return appointment


def appointment_confirm(*, appointment: Appointment) -> Appointment:
    if appointment.status != Appointment.Status.REQUESTED:
        return appointment
    # A status change from requested to confirmed keeps the same span; the constraint already holds.
    Appointment.objects.filter(pk=appointment.pk, status=Appointment.Status.REQUESTED).update(
        status=Appointment.Status.CONFIRMED, sequence=appointment.sequence + 1, updated_at=timezone.now()
    )
    appointment.refresh_from_db()
    change_email_queue(appointment=appointment, change="confirmed")
    return appointment

"""Writes for bookings. Every path that puts an appointment on a calendar comes through here.

The overlap rule is the database's (exclusion constraint on PostgreSQL, trigger
on SQLite). Services check first so the usual answer is friendly, then write
inside a savepoint and turn the database's refusal into ``SlotTaken`` carrying
other free times, so a race lost at the last moment reads the same as one lost
earlier.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMessage
from django.db import IntegrityError, OperationalError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from audit.services import audit_record
from bookings import calendar
from bookings.models import Appointment, Availability, BookingSettings, Consultation, Kind, Mode
from bookings.slots import Slot, free_at, free_slots, slot_is_free
from outbox.services import email_queue

MANAGE_SALT = "bookings.manage"


class BookingError(Exception):
    """A booking that cannot be made, with words for the person and other times to offer."""

    def __init__(self, message: str, alternatives: list[Slot] | None = None):
        super().__init__(message)
        self.message = message
        self.alternatives = alternatives or []


class SlotTaken(BookingError):
    pass


TAKEN = "Sorry, that time was just taken by someone else. Here are other times that are free."


@dataclass
class ConsultationResult:
    consultation: Consultation | None
    appointment: Appointment | None
    # True when nothing was booked (the email is at its limit); the page says the same either way.
    declined: bool = False
    extra: dict = field(default_factory=dict)


def _alternatives(therapist, kind, *, around: datetime | None = None, ignore=None, limit=6) -> list[Slot]:
    slots = []
    if around is not None:
        slots = free_slots(therapist, kind, ignore=ignore, around=around, span=timedelta(days=3))
    if not slots:
        slots = free_slots(therapist, kind, ignore=ignore)
    if around is not None:
        slots.sort(key=lambda slot: abs((slot.start - around).total_seconds()))
        slots = sorted(slots[:limit], key=lambda slot: slot.start)
    return slots[:limit]


def _refused(error: Exception) -> bool:
    """The database refused the write because of another booking.

    An exclusion constraint can also answer "deadlock detected" when two
    transactions insert conflicting rows at the same moment: each waits to see
    whether the other commits, PostgreSQL aborts one, and the other goes on to
    win. For the loser that is the same news as a refusal.
    """
    if isinstance(error, IntegrityError):
        return True
    return isinstance(error, OperationalError) and getattr(error.__cause__, "sqlstate", None) == "40P01"


def _insert(appointment: Appointment) -> Appointment:
    """Insert, turning the database's overlap refusal into SlotTaken."""
    try:
        with transaction.atomic():
            appointment.save(force_insert=True)
    except (IntegrityError, OperationalError) as error:
        if not _refused(error):
            raise
        # Either the overlap rule or a retried submission (same idempotency key).
        if appointment.idempotency_key:
            existing = Appointment.objects.filter(idempotency_key=appointment.idempotency_key).first()
            if existing is not None:
                return existing
        raise SlotTaken(
            TAKEN, _alternatives(appointment.therapist, appointment.kind, around=appointment.start)
        ) from None
    return appointment


def _new_appointment(*, therapist, kind, mode, start, client=None, consultation=None, booked_by, key=None, status):
    rules = Availability.for_therapist(therapist)
    length = timedelta(minutes=rules.minutes_for(kind))
    return Appointment(
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


# A manage link works until this long after its consultation ends (the visitor may look back at
# the time or the video link that day), and never longer than MANAGE_MAX_AGE after it was sent: a
# consultation moved again and again gets a fresh link in each "changed" email.
MANAGE_GRACE = timedelta(days=1)
MANAGE_MAX_AGE = timedelta(days=366)


class ManageLinkEnded(Exception):
    """A genuine manage link whose time is over; ``practice`` is whom the visitor can contact instead."""

    def __init__(self, practice):
        super().__init__("manage link ended")
        self.practice = practice


def manage_signature(consultation: Consultation) -> str:
    """``token:timestamp:signature``: the timestamp bounds the link's age whatever happens to the booking."""
    return signing.TimestampSigner(salt=MANAGE_SALT).sign(consultation.manage_token)


def _manage_token(signed: str) -> tuple[str | None, bool]:
    """The consultation token a link carries (None if it is not ours), and whether it is too old."""
    # Tokens are token_urlsafe (no ":"), so the number of parts tells the two formats apart. Links
    # sent before timestamps ("token:signature") are still honoured, until their consultation ends.
    if signed.count(":") == 1:
        try:
            return signing.Signer(salt=MANAGE_SALT).unsign(signed), False
        except signing.BadSignature:
            return None, False
    signer = signing.TimestampSigner(salt=MANAGE_SALT)
    try:
        return signer.unsign(signed, max_age=MANAGE_MAX_AGE), False
    except signing.SignatureExpired:
        return signer.unsign(signed), True
    except (signing.BadSignature, ValueError):
        return None, False


def manage_link_open(signed: str, *, now: datetime | None = None) -> tuple[Consultation, Appointment] | None:
    """The consultation and its appointment a manage link opens, or None if the link is not ours.

    Raises ``ManageLinkEnded`` for a genuine link whose time is over: a day after its appointment
    ends, or a year after it was sent.
    """
    token, too_old = _manage_token(signed)
    if not token:
        return None
    consultation = Consultation.objects.select_related("practice").filter(manage_token=token).first()
    if consultation is None:
        return None
    appointment = (
        consultation.appointments.select_related("therapist__user", "practice", "consultation")
        .order_by("-created_at")
        .first()
    )
    if appointment is None:
        return None
    if too_old or (now or timezone.now()) > appointment.end + MANAGE_GRACE:
        raise ManageLinkEnded(consultation.practice)
    return consultation, appointment


def manage_url(consultation: Consultation) -> str:
    return settings.SITE_URL + reverse("bookings:manage", kwargs={"signed": manage_signature(consultation)})


def _send(
    *,
    subject: str,
    template: str,
    context: dict,
    to: str,
    kind: str,
    practice,
    appointment: Appointment | None = None,
    method=None,
):
    """Write one booking email (with its calendar file, for an appointment) to the outbox, in the
    caller's transaction: it goes if, and only if, the booking it tells of is kept."""
    body = render_to_string(template, context)
    message = EmailMessage(subject=subject, body=body, to=[to])
    about = None
    if appointment is not None:
        message.attach(
            "appointment.ics",
            calendar.appointment_ics(appointment, method=method or "PUBLISH", manage=context.get("manage_url", "")),
            "text/calendar",
        )
        about = ("bookings.appointment", appointment.uuid)
    email_queue(message, kind=kind, practice=practice, about=about)


def _email_queue(appointment: Appointment, *, template: str, subject: str, change: str = "", method: str = "PUBLISH"):
    """Queue the email (with its calendar file) with the booking; the worker sends it once committed."""
    to = _recipient(appointment)
    if not to:
        return
    _send(
        subject=subject,
        template=f"bookings/email/{template}.txt",
        context={**_email_context(appointment), "change": change},
        to=to,
        kind="Appointment change" if change else "Appointment booked",
        practice=appointment.practice,
        appointment=appointment,
        method=method,
    )


def appointment_email_send(*, appointment_id: int, template: str, subject: str, change: str, method: str) -> bool:
    """For tasks enqueued before the outbox existed: queue the email now."""
    appointment = Appointment.objects.with_people().filter(pk=appointment_id).first()
    if appointment is None or not _recipient(appointment):
        return False
    with transaction.atomic():
        _email_queue(appointment, template=template, subject=subject, change=change, method=method)
    return True


def _practice_modes(therapist) -> list[str]:
    return Availability.for_therapist(therapist).modes() or [Mode.IN_PERSON]


def _pick_therapist(therapists, start) -> list:
    """The therapists free at ``start`` for a consultation, in the order offered (one practice, four queries)."""
    return free_at(therapists, Kind.CONSULTATION, start)


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
    earlier = (
        Appointment.objects.active()
        .consultations()
        .filter(practice=practice, consultation__email=email)
        .select_related("consultation")
    )
    if earlier.count() >= booking_rules.consultations_per_email:
        if key:
            # A retry of a booking that committed a moment ago: answer with that booking.
            existing = Appointment.objects.filter(idempotency_key=key).select_related("consultation").first()
            if existing is not None:
                return ConsultationResult(existing.consultation, existing)
        previous = earlier.order_by("-start").first()
        _send(
            subject=f"Your free consultation with {practice.name}",
            template="bookings/email/already_booked.txt",
            context={"practice": practice, "manage_url": manage_url(previous.consultation), "name": name},
            to=email,
            kind="Consultation already booked",
            practice=practice,
        )
        return ConsultationResult(None, None, declined=True)

    candidates = _pick_therapist(therapists, start)
    if not candidates:
        raise SlotTaken(TAKEN, _alternatives(therapists[0], Kind.CONSULTATION, around=start) if therapists else [])
    status = Appointment.Status.REQUESTED if booking_rules.require_confirmation else Appointment.Status.CONFIRMED
    with transaction.atomic():
        consultation = Consultation.objects.create(
            practice=practice,
            name=name.strip(),
            email=email,
            phone=phone.strip(),
            note=note.strip(),
            time_zone=time_zone,
        )
        appointment = None
        last_error = None
        for therapist in candidates:
            modes = _practice_modes(therapist)
            try:
                appointment = _insert(
                    _new_appointment(
                        therapist=therapist,
                        kind=Kind.CONSULTATION,
                        mode=mode if mode in modes else modes[0],
                        start=start,
                        consultation=consultation,
                        booked_by="visitor",
                        key=key,
                        status=status,
                    )
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
        _email_queue(
            appointment, template="consultation_booked", subject=f"Your free consultation with {practice.name}"
        )
    return ConsultationResult(consultation, appointment)


def _email_context(appointment: Appointment) -> dict:
    consultation = appointment.consultation
    zone_name = consultation.time_zone if consultation else appointment.practice.time_zone
    from zoneinfo import ZoneInfo

    zone = ZoneInfo(zone_name)
    return {
        "appointment": appointment,
        "practice": appointment.practice,
        "therapist": appointment.therapist,
        "local_start": appointment.start.astimezone(zone),
        "local_end": appointment.end.astimezone(zone),
        "zone_name": zone_name,
        "manage_url": manage_url(consultation)
        if consultation
        else settings.SITE_URL + reverse("bookings:session", kwargs={"appointment_uuid": appointment.uuid}),
        "video_url": appointment.video_url(),
        "name": consultation.name if consultation else appointment.client.display_name if appointment.client else "",
        "crisis_url": settings.SITE_URL + reverse("crisis:page"),
    }


def _recipient(appointment: Appointment) -> str:
    if appointment.client_id:
        return appointment.client.user.email
    return appointment.consultation.email if appointment.consultation_id else ""


def appointment_move(*, appointment: Appointment, start: datetime, by: str, check_slot: bool = True) -> Appointment:
    """Move an appointment to ``start`` (same therapist, same length)."""
    if not appointment.is_active:
        raise BookingError("This appointment was cancelled, so it can't be moved. You're welcome to book a new time.")
    if check_slot and not slot_is_free(appointment.therapist, appointment.kind, start, ignore=appointment):
        raise SlotTaken(TAKEN, _alternatives(appointment.therapist, appointment.kind, around=start, ignore=appointment))
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
        if not _refused(error):
            raise
        appointment.refresh_from_db()
        raise SlotTaken(
            TAKEN, _alternatives(appointment.therapist, appointment.kind, around=start, ignore=appointment)
        ) from None
    _notify_change(appointment, "moved")
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
    _notify_change(appointment, "cancelled")
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
        if not _refused(error):
            raise
        appointment.refresh_from_db()
        raise SlotTaken(
            "That time has been booked since, so this appointment can't come back. Here are other free times.",
            _alternatives(appointment.therapist, appointment.kind, around=appointment.start),
        ) from None
    _notify_change(appointment, "restored")
    return appointment


def appointment_confirm(*, appointment: Appointment) -> Appointment:
    if appointment.status != Appointment.Status.REQUESTED:
        return appointment
    # A status change from requested to confirmed keeps the same span; the constraint already holds.
    Appointment.objects.filter(pk=appointment.pk, status=Appointment.Status.REQUESTED).update(
        status=Appointment.Status.CONFIRMED, sequence=appointment.sequence + 1, updated_at=timezone.now()
    )
    appointment.refresh_from_db()
    _notify_change(appointment, "confirmed")
    return appointment


def _notify_change(appointment: Appointment, change: str) -> None:
    to = _recipient(appointment)
    if not to or (appointment.client_id and appointment.client.care_status == "paused"):
        return
    _email_queue(
        appointment,
        template="changed",
        subject=f"Your appointment with {appointment.practice.name}",
        change=change,
        method="CANCEL" if change == "cancelled" else "PUBLISH",
    )


def session_book(*, client, start: datetime, mode: str, by: str, key: str = "", check_slot: bool = True) -> Appointment:
    """Book a session for ``client`` with their own therapist."""
    therapist = client.therapist
    if check_slot and not slot_is_free(therapist, Kind.SESSION, start):
        raise SlotTaken(TAKEN, _alternatives(therapist, Kind.SESSION, around=start))
    modes = _practice_modes(therapist)
    with transaction.atomic():
        appointment = _insert(
            _new_appointment(
                therapist=therapist,
                kind=Kind.SESSION,
                mode=mode if mode in modes else modes[0],
                start=start,
                client=client,
                booked_by=by,
                key=key,
                status=Appointment.Status.CONFIRMED,
            )
        )
        if client.care_status != "paused":
            _email_queue(appointment, template="session_booked", subject=f"Your session with {client.practice.name}")
    return appointment


def client_may_change(appointment: Appointment, *, now=None) -> bool:
    """Within the practice's notice policy (hours before the start)."""
    now = now or timezone.now()
    rules = BookingSettings.for_practice(appointment.practice)
    return appointment.is_active and appointment.start - now >= timedelta(hours=rules.notice_hours)


def consultation_outcome(*, appointment: Appointment, staff, outcome: str, include_other_help: bool, request=None):
    """Record how a consultation went: invite as a client, or a kind "not now"."""
    from accounts.models import Invitation
    from accounts.services import invitation_create

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
                "crisis_url": settings.SITE_URL + reverse("crisis:page"),
            }
            _send(
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
    """Link a new client to the consultation whose invitation they accepted."""
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


def feed_token_rotate(*, therapist) -> str:
    """A new private calendar feed secret, which stops any earlier one. Returned once; only its hash is kept."""
    import secrets

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
                if not _refused(error):
                    raise
            else:
                appointment.refresh_from_db()
                _notify_change(appointment, "new_therapist")
                moved.append(appointment)
                continue
        cancelled.append(appointment_cancel(appointment=appointment, by="practice"))
    return moved, cancelled


def consultations_of_leaving_therapist(*, therapist) -> list:
    """Cancel the future consultations a therapist who is leaving still has; each visitor is told and
    can book again with someone else from the practice's page."""
    upcoming = Appointment.objects.for_therapist(therapist).active().upcoming().consultations()
    return [
        appointment_cancel(appointment=a, by="practice") for a in upcoming.select_related("practice", "consultation")
    ]


def care_status_change(*, client, status: str, since, staff, request=None):
    """Set a client's care to active, paused or ended from ``since``, keeping the dated history.

    Ending care cancels sessions booked after that date (paused keeps them, but sends nothing).
    """
    from bookings.models import CareChange

    with transaction.atomic():
        CareChange.objects.create(client=client, status=status, since=since, changed_by=staff)
        client.care_status = status
        client.care_status_since = since
        client.save(update_fields=["care_status", "care_status_since"])
        if status == "ended":
            Appointment.objects.for_client(client).active().filter(start__date__gte=since).update(
                status=Appointment.Status.CANCELLED, cancelled_at=timezone.now()
            )
        audit_record(
            action=AuditEvent.Action.UPDATE,
            object_type="practice.client",
            object_id=client.uuid,
            request=request,
            actor=staff.user,
            client=client,
            detail={"fields": ["care_status"], "status": status},
        )

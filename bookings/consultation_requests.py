"""A free consultation asked for without a time: "a free initial consultation is always available".

When nothing free suits (or nothing is free within the booking horizon), a visitor says when they are
usually free and how to reach them. The request waits for the practice (the office and its therapists
see it, with nothing clinical: no note is asked for); the practice is reminded once when it has waited
two working days; someone offers a time, and the visitor books it from the email's signed link, through
``appointment_book`` like every other booking (so the database's no-overlap rule decides a race).

The same one-per-person rule as booking: an address with as many consultations (booked or waiting) as
the practice allows gets an email saying so, and the page is the same either way.
"""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMessage
from django.db import transaction
from django.http import Http404
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from audit.services import audit_record
from bookings.emails import appointment_email_queue, booking_email_queue
from bookings.manage_links import manage_url
from bookings.models import Appointment, BookingSettings, Consultation, Kind, Mode
from bookings.services_appointments import BookingError, SlotTaken, appointment_book, booked_before
from outbox.services import email_queue
from practice.holidays import is_working_day
from practice.models import StaffMember

OFFER_SALT = "bookings.offer"
# An offered time's link works this long; the time itself must also still be ahead.
OFFER_MAX_AGE = timedelta(days=30)
WAITING_WORKING_DAYS = 2

ALREADY = (
    "This address already has a free consultation, or a request for one, with us. "
    "We've emailed you about it, with what to do next."
)


# -- Reads -------------------------------------------------------------------------------------------


def waiting_requests(practice):
    """Requests without a time that nobody has booked yet, oldest first (offered or not)."""
    return (
        Consultation.objects.filter(practice=practice, asked_without_time=True, outcome=Consultation.Outcome.PENDING)
        .exclude(appointments__isnull=False)
        .select_related("offered_therapist__user", "earlier_therapist__user")
        .order_by("created_at")
    )


def get_waiting_request(practice, consultation_uuid) -> Consultation:
    """One of ``practice``'s waiting requests, or 404 (another practice's, or one already booked)."""
    found = waiting_requests(practice).filter(uuid=consultation_uuid).first()
    if found is None:
        raise Http404
    return found


def consultations_held(*, practice, email: str) -> tuple[int, Consultation | None, Appointment | None]:
    """How many free consultations ``email`` holds (booked and active, or asked for and waiting), and the
    latest of each kind, for the "you already have one" email."""
    booked = (
        Appointment.objects.active()
        .consultations()
        .filter(practice=practice, consultation__email=email)
        .select_related("consultation")
        .order_by("-start")
    )
    waiting = waiting_requests(practice).filter(email=email).order_by("-created_at")
    booked_count, waiting_count = booked.count(), waiting.count()
    return booked_count + waiting_count, waiting.first() if waiting_count else None, booked.first()


def already_email_queue(*, practice, email: str, name: str, waiting, booked) -> None:
    """Tell an address at its limit what it already has: a booked consultation (with its link) or a request."""
    booking_email_queue(
        subject=f"Your free consultation with {practice.name}",
        template="bookings/email/already_booked.txt" if booked is not None else "bookings/email/already_asked.txt",
        context={
            "practice": practice,
            "name": name,
            "manage_url": manage_url(booked.consultation) if booked is not None else "",
            "waiting": waiting,
        },
        to=email,
        kind="Consultation already booked" if booked is not None else "Consultation already asked",
        practice=practice,
    )


# -- Asking ------------------------------------------------------------------------------------------


def consultation_ask(
    *,
    practice,
    name: str,
    email: str,
    phone: str = "",
    usually_free: str,
    reach_by: str,
    time_zone: str,
) -> Consultation | None:
    """Record a request without a time, or (for an address at its limit) only email what it already has.

    Returns the new request, or None when nothing was recorded; the caller shows the same page either way.
    """
    email = email.strip().lower()
    limit = BookingSettings.for_practice(practice).consultations_per_email
    with transaction.atomic():
        held, waiting, booked = consultations_held(practice=practice, email=email)
        if held >= limit:
            already_email_queue(practice=practice, email=email, name=name.strip(), waiting=waiting, booked=booked)
            return None
        consultation = Consultation.objects.create(
            practice=practice,
            name=name.strip(),
            email=email,
            phone=phone.strip(),
            time_zone=time_zone,
            asked_without_time=True,
            usually_free=usually_free.strip(),
            reach_by=reach_by,
        )
        booking_email_queue(
            subject=f"Your free consultation with {practice.name}",
            template="bookings/email/asked.txt",
            context={
                "practice": practice,
                "consultation": consultation,
                "crisis_url": settings.SITE_URL + reverse("practice:crisis"),
            },
            to=email,
            kind="Consultation asked",
            practice=practice,
        )
        audit_record(
            action=AuditEvent.Action.CREATE,
            object_type="bookings.consultation",
            object_id=consultation.uuid,
            practice=practice,
            detail={"asked_without_time": True},
        )
    return consultation


def consultation_ask_return(*, client) -> tuple[Consultation, bool]:
    """A former client asks about coming back (ending): a waiting request on the free consultation path.

    Not limited by ``consultations_per_email`` (a returning client is not a new enquiry). Idempotent: while one
    of theirs is waiting, a second ask changes nothing and returns it with ``False``. The request carries no
    clinical detail; it names the therapist they saw before, if that therapist still takes clients, so the
    practice can offer a time with them first. The office sees it in the list of waiting requests and is
    reminded after two working days, like every request (``requests_remind``). The caller writes the email.
    """
    practice = client.practice
    with transaction.atomic():
        # Serialise two taps: the client's row is the lock (the practice's other requests are not held).
        type(client).objects.select_for_update().filter(pk=client.pk).first()
        waiting = waiting_requests(practice).filter(returning_client=client).first()
        if waiting is not None:
            return waiting, False
        earlier = (
            StaffMember.objects.therapists()
            .in_practice(practice)
            .filter(pk=client.therapist_id)
            .exclude(availability__accepts_bookings=False)  # no rules yet means the defaults: takes bookings
            .first()
            if client.therapist_id
            else None
        )
        consultation = Consultation.objects.create(
            practice=practice,
            name=client.display_name,
            email=client.user.email.strip().lower(),
            time_zone=practice.time_zone,
            asked_without_time=True,
            reach_by="email",
            returning_client=client,
            earlier_therapist=earlier,
        )
        audit_record(
            action=AuditEvent.Action.CREATE,
            object_type="bookings.consultation",
            object_id=consultation.uuid,
            practice=practice,
            client=client,
            detail={"asked_without_time": True, "returning": True},
        )
    return consultation, True


# -- Working days and the reminder -------------------------------------------------------------------


def waited_enough_at(practice, asked_at: datetime) -> datetime:
    """When a request asked at ``asked_at`` has waited two whole working days of the practice.

    Asked on a working day, that is the same time of day two working days later (Friday 15:00 →
    Tuesday 15:00); asked at a weekend or on a holiday, the count starts with the next working day,
    so it is the end of the second one (Saturday → the end of Tuesday).
    """
    zone = practice.zone
    local = asked_at.astimezone(zone)
    day = local.date()
    asked_on_a_working_day = is_working_day(practice, day)
    counted = 0
    while counted < WAITING_WORKING_DAYS:
        day += timedelta(days=1)
        if is_working_day(practice, day):
            counted += 1
    if asked_on_a_working_day:
        return datetime.combine(day, local.time(), tzinfo=zone)
    return datetime.combine(day + timedelta(days=1), time.min, tzinfo=zone)


def office_addresses(practice) -> list[str]:
    """Where the practice's reminders go: its contact address, else its owners and administrators."""
    if practice.contact_email:
        return [practice.contact_email]
    return sorted(
        StaffMember.objects.office().in_practice(practice).select_related("user").values_list("user__email", flat=True)
    )


def requests_remind(*, now: datetime | None = None) -> int:
    """Remind each practice, once per request, of requests without a time that have waited two working days
    and have no time offered yet. The email names nobody: it links to the list."""
    now = now or timezone.now()
    candidates = (
        Consultation.objects.filter(
            asked_without_time=True,
            outcome=Consultation.Outcome.PENDING,
            reminded_at__isnull=True,
            offered_at__isnull=True,
            # Two working days are never fewer than two days: skip the rest without working them out.
            created_at__lte=now - timedelta(days=WAITING_WORKING_DAYS),
        )
        .exclude(appointments__isnull=False)
        .select_related("practice")
    )
    count = 0
    for consultation in candidates:
        practice = consultation.practice
        if waited_enough_at(practice, consultation.created_at) > now:
            continue
        to = office_addresses(practice)
        with transaction.atomic():
            # Claim it first: of two clocks, only one sends.
            claimed = Consultation.objects.filter(pk=consultation.pk, reminded_at__isnull=True).update(reminded_at=now)
            if not claimed or not to:
                continue
            message = EmailMessage(
                subject=f"A consultation request is waiting ({practice.name})",
                body=render_to_string(
                    "bookings/email/request_waiting.txt",
                    {
                        "practice": practice,
                        "url": settings.SITE_URL + reverse("bookings:consult_requests"),
                        "working_days": WAITING_WORKING_DAYS,
                    },
                ),
                to=to,
            )
            email_queue(
                message,
                kind="Consultation request waiting",
                practice=practice,
                about=("bookings.consultation", consultation.uuid),
            )
            count += 1
    return count


# -- Offering a time, and the visitor booking it -----------------------------------------------------


def offer_signature(consultation: Consultation) -> str:
    """The offer link's capability: the request's token and the offer's moment, signed. A new offer
    (a different ``offered_at``) makes the earlier link open nothing."""
    return signing.dumps([consultation.manage_token, *_offer_marks(consultation)], salt=OFFER_SALT, compress=True)


def _offer_marks(consultation: Consultation) -> list[str]:
    """What makes an offer this offer: when it was made and the time it offers."""
    # As instants, not as written: a time read back from the database is in UTC, the one offered in the practice's zone.
    return [f"{consultation.offered_at.timestamp():.6f}", f"{consultation.offered_start.timestamp():.6f}"]


def offer_url(consultation: Consultation) -> str:
    return settings.SITE_URL + reverse("bookings:offer", kwargs={"signed": offer_signature(consultation)})


OFFER_TAKEN = "Sorry, that time has just been taken. We've let the practice know, and they'll offer you another."


class OfferEnded(Exception):
    """A genuine offer link whose offer is over (a newer offer, a time taken, or too old to use)."""

    def __init__(self, practice):
        super().__init__("offer ended")
        self.practice = practice


def offer_open(signed: str) -> Consultation | None:
    """The request whose current offer ``signed`` is; None for a link that is not ours. Raises
    ``OfferEnded`` for one of ours whose offer is over (offered again since, taken, or too old)."""
    too_old = False
    try:
        try:
            token, *marks = signing.loads(signed, salt=OFFER_SALT, max_age=OFFER_MAX_AGE)
        except signing.SignatureExpired:
            token, *marks = signing.loads(signed, salt=OFFER_SALT)
            too_old = True
    except (signing.BadSignature, ValueError, TypeError):
        return None
    consultation = (
        Consultation.objects.select_related("practice", "offered_therapist__user").filter(manage_token=token).first()
    )
    if consultation is None:
        return None
    if too_old or consultation.offered_at is None or _offer_marks(consultation) != marks:
        raise OfferEnded(consultation.practice)
    return consultation


def consultation_offer(*, consultation: Consultation, staff, therapist, start: datetime, mode: str, request=None):
    """Offer the visitor a time with ``therapist``; they book it from the email. Refuses a time the therapist
    already has an appointment at (the booking itself is still decided by the database)."""
    rules = therapist.availability
    minutes = rules.minutes_for(Kind.CONSULTATION)
    blocked_until = start + timedelta(minutes=minutes + rules.buffer_minutes)
    if start <= timezone.now():
        raise BookingError("Please choose a time that is still ahead.")
    if Appointment.objects.overlapping(therapist, start, blocked_until).exists():
        raise BookingError(f"{therapist.display_name} already has an appointment then. Please choose another time.")
    with transaction.atomic():
        consultation.offered_start = start
        consultation.offered_therapist = therapist
        consultation.offered_mode = mode
        consultation.offered_at = timezone.now()
        consultation.save(update_fields=["offered_start", "offered_therapist", "offered_mode", "offered_at"])
        local = start.astimezone(ZoneInfo(consultation.time_zone))
        booking_email_queue(
            subject=f"A time for your free consultation with {consultation.practice.name}",
            template="bookings/email/offered.txt",
            context={
                "practice": consultation.practice,
                "name": consultation.name,
                "therapist": therapist,
                "local_start": local,
                "zone_name": consultation.time_zone,
                "mode": Mode(mode).label,
                "offer_url": offer_url(consultation),
            },
            to=consultation.email,
            kind="Consultation time offered",
            practice=consultation.practice,
        )
        audit_record(
            action=AuditEvent.Action.UPDATE,
            object_type="bookings.consultation",
            object_id=consultation.uuid,
            request=request,
            actor=staff.user,
            practice=consultation.practice,
            detail={"fields": ["offered_start", "offered_therapist", "offered_mode"]},
        )
    return consultation


def consultation_offer_accept(*, consultation: Consultation) -> Appointment:
    """Book the offered time, the normal way: ``appointment_book`` and the database's no-overlap rule.

    A retry (a second tap, a reloaded page) returns the same appointment. A time someone else took in
    the meantime raises ``SlotTaken``, and the request is waiting again, for the practice to offer another.
    """
    if consultation.offered_at is None:
        # The offer is over: the other tap booked it, or someone else took the time (which clears it). A request's
        # only appointments are the ones its offers booked (the offer page looks for them the same way).
        if (existing := consultation.appointments.order_by("-created_at").first()) is not None:
            return existing
        raise SlotTaken(OFFER_TAKEN)
    key = f"offer-{consultation.uuid.hex}-{int(consultation.offered_at.timestamp())}"
    if (existing := booked_before(key)) is not None:
        return existing
    if consultation.offered_start <= timezone.now():
        raise BookingError("This time has passed. The practice will be glad to offer you another.")
    therapist = consultation.offered_therapist
    try:
        with transaction.atomic():
            appointment = appointment_book(
                therapist=therapist,
                kind=Kind.CONSULTATION,
                mode=consultation.offered_mode,
                start=consultation.offered_start,
                consultation=consultation,
                booked_by="visitor",
                key=key,
                # The practice chose this time, so there is nothing left to confirm.
                status=Appointment.Status.CONFIRMED,
            )
            if not appointment.was_retry:  # the other tap's booking: it has sent its email
                appointment_email_queue(
                    appointment=appointment,
                    template="consultation_booked",
                    subject=f"Your free consultation with {consultation.practice.name}",
                )
    except SlotTaken:
        with transaction.atomic():
            # The offer is gone: the request shows as waiting for a new time, and the practice is told.
            Consultation.objects.filter(pk=consultation.pk, offered_at=consultation.offered_at).update(
                offered_start=None, offered_therapist=None, offered_mode="", offered_at=None, reminded_at=None
            )
        raise SlotTaken(OFFER_TAKEN) from None
    return appointment


def consultation_request_close(*, consultation: Consultation, staff, request=None) -> None:
    """Take a request off the waiting list without booking it (they spoke by phone and will come back when
    ready, say): recorded as "not now", like a consultation that did not go further, and purged with them."""
    with transaction.atomic():
        consultation.outcome, consultation.outcome_at = Consultation.Outcome.NOT_NOW, timezone.now()
        consultation.save(update_fields=["outcome", "outcome_at"])
        audit_record(
            action=AuditEvent.Action.UPDATE,
            object_type="bookings.consultation",
            object_id=consultation.uuid,
            request=request,
            practice=consultation.practice,
            detail={"fields": ["outcome"], "outcome": consultation.outcome, "by": str(staff.uuid)},
        )

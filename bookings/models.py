"""Availability, consultations and appointments.

Times are stored as aware UTC datetimes. An appointment blocks its therapist's
calendar from ``start`` to ``blocked_until`` (its end plus the therapist's
buffer at the time of booking); two blocking spans of one therapist never
overlap. The database enforces that: an exclusion constraint on PostgreSQL and
a trigger on SQLite (see migrations and docs/bookings.md).
"""

import hashlib
import secrets
from datetime import timedelta

from django.db import models
from django.db.models import Q
from django.db.models.expressions import RawSQL
from django.utils import timezone

from core.compiled import CompiledRead, first_or_create
from core.crypto import EncryptedTextField
from core.mixins import ClientOwnedQuerySet, UUIDModel
from practice.models import Client, Practice, StaffMember, display_name


def new_token() -> str:
    return secrets.token_urlsafe(24)


# No appointment blocks a therapist's time for longer than this (session 180 + break 120 minutes at most: the settings
# form caps a session and break at 5 hours). Reads of booked time bound their start with it.
LONGEST_BLOCK = timedelta(hours=12)


def upcoming_from(now=None) -> dict:
    """The values a kept read of ``upcoming(now, since=since)`` takes, for ``now`` (the moment by default)."""
    now = now or timezone.now()
    return {"now": now, "since": now - LONGEST_BLOCK}


class Kind(models.TextChoices):
    CONSULTATION = "consultation", "Free consultation"
    SESSION = "session", "Session"


class Mode(models.TextChoices):
    IN_PERSON = "in_person", "In person"
    ONLINE = "online", "Online"


class BookingSettings(models.Model):
    """A practice's booking rules, edited by the owner."""

    practice = models.OneToOneField(Practice, on_delete=models.CASCADE, related_name="booking_settings")
    approach = models.TextField(
        blank=True,
        max_length=4000,
        help_text="What compassion-led therapy is, in your words. Shown on your public page.",
    )
    require_confirmation = models.BooleanField(
        default=False,
        help_text="A therapist confirms each free consultation before it is final.",
    )
    consultations_per_email = models.PositiveSmallIntegerField(
        default=1, help_text="How many free consultations one person (one email address) may book."
    )
    notice_hours = models.PositiveSmallIntegerField(
        default=24, help_text="Clients may move or cancel a session up to this many hours before it starts."
    )
    reminder_hours = models.PositiveSmallIntegerField(
        default=24, help_text="How many hours before an appointment the reminder email goes out."
    )
    video_url_template = models.CharField(
        max_length=300,
        default="https://meet.jit.si/tending-{token}",
        help_text="Link for online sessions. {token} becomes a random room name for each appointment.",
    )
    other_help = models.TextField(
        blank=True,
        max_length=2000,
        help_text="Other sources of help, offered in the kind email after a consultation when the time is not right.",
    )

    def __str__(self):
        return f"Booking settings of {self.practice}"

    @classmethod
    def for_practice(cls, practice) -> "BookingSettings":
        # Read on every sessions page (core/compiled.py).
        return first_or_create(_SETTINGS, practice)

    def video_url(self, token: str) -> str:
        return self.video_url_template.replace("{token}", token)


_SETTINGS = CompiledRead(
    BookingSettings, lambda shape, *, practice: BookingSettings.objects.filter(practice=practice), {"practice": int}
)


class Availability(models.Model):
    """A therapist's booking rules: buffer, notice, horizon and what they offer."""

    therapist = models.OneToOneField(StaffMember, on_delete=models.CASCADE, related_name="availability")
    buffer_minutes = models.PositiveSmallIntegerField(default=10)
    minimum_notice_hours = models.PositiveSmallIntegerField(default=24)
    horizon_days = models.PositiveSmallIntegerField(default=42)
    consultation_minutes = models.PositiveSmallIntegerField(default=20)
    session_minutes = models.PositiveSmallIntegerField(default=50)
    offers_consultation = models.BooleanField(default=True)
    offers_session = models.BooleanField(default=True)
    offers_in_person = models.BooleanField(default=True)
    offers_online = models.BooleanField(default=True)
    accepts_bookings = models.BooleanField(default=True)
    # The SHA-256 (hex) of the private calendar feed's secret, never the secret itself: the link
    # is shown once, when made, and a copy of this table opens no one's calendar. Empty = no feed.
    feed_token = models.CharField(max_length=64, blank=True, db_index=True)
    feed_shows_names = models.BooleanField(default=False)

    def __str__(self):
        return f"Availability of {self.therapist}"

    @classmethod
    def for_therapist(cls, therapist) -> "Availability":
        found, _ = cls.objects.get_or_create(therapist=therapist)
        return found

    @staticmethod
    def feed_digest(token: str) -> str:
        """What ``feed_token`` stores for ``token``: a plain hash suffices for 256 random bits."""
        return hashlib.sha256(token.encode()).hexdigest()

    def minutes_for(self, kind: str) -> int:
        return self.consultation_minutes if kind == Kind.CONSULTATION else self.session_minutes

    def modes(self) -> list[str]:
        found = []
        if self.offers_in_person:
            found.append(Mode.IN_PERSON)
        if self.offers_online:
            found.append(Mode.ONLINE)
        return found


class WorkingHours(models.Model):
    """One range of working hours on a weekday, in the practice's time zone."""

    therapist = models.ForeignKey(StaffMember, on_delete=models.CASCADE, related_name="working_hours")
    weekday = models.PositiveSmallIntegerField(
        choices=[
            (i, d) for i, d in enumerate(["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"])
        ]
    )
    start_time = models.TimeField()
    end_time = models.TimeField()

    class Meta:
        ordering = ["weekday", "start_time"]
        constraints = [
            models.CheckConstraint(condition=Q(end_time__gt=models.F("start_time")), name="hours_end_after_start"),
        ]

    def __str__(self):
        return f"{self.get_weekday_display()} {self.start_time:%H:%M}–{self.end_time:%H:%M}"


class DayOff(models.Model):
    therapist = models.ForeignKey(StaffMember, on_delete=models.CASCADE, related_name="days_off")
    date = models.DateField()
    note = models.CharField(max_length=120, blank=True)

    class Meta:
        ordering = ["date"]
        constraints = [models.UniqueConstraint(fields=["therapist", "date"], name="one_day_off_per_date")]

    def __str__(self):
        return f"{self.therapist} off on {self.date}"


class ConsultationQuerySet(models.QuerySet):
    def unconverted_older_than(self, cutoff):
        return self.filter(created_at__lt=cutoff, converted_client__isnull=True)


class Consultation(UUIDModel):
    """A visitor's request for a free consultation: who they are and what became of it.

    Unconverted requests (and their notes) are deleted after 90 days
    (``bookings.services_front_door.consultations_purge``).
    """

    class Outcome(models.TextChoices):
        PENDING = "", "Not recorded yet"
        GOOD_FIT = "good_fit", "Good fit — invited as a client"
        NOT_NOW = "not_now", "Not now"

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="consultations")
    name = models.CharField(max_length=120)
    email = models.EmailField()
    phone = models.CharField(max_length=40, blank=True)
    note = EncryptedTextField(context="bookings.consultation.note", blank=True, default="")
    time_zone = models.CharField(max_length=64, default="Europe/London")
    # The capability for the visitor's cancel/reschedule links (signed and looked up).
    manage_token = models.CharField(max_length=64, default=new_token, unique=True)
    outcome = models.CharField(max_length=10, choices=Outcome, default=Outcome.PENDING, blank=True)
    outcome_at = models.DateTimeField(null=True, blank=True)
    invitation = models.ForeignKey(
        "accounts.Invitation", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    converted_client = models.ForeignKey(
        Client, null=True, blank=True, on_delete=models.SET_NULL, related_name="consultations"
    )
    created_at = models.DateTimeField(default=timezone.now)
    # Asked without a time ("none of these suit"): when they are usually free and how to reach them.
    # Waiting until the practice offers a time; the practice is reminded once it has waited two working days.
    asked_without_time = models.BooleanField(default=False)
    usually_free = models.CharField(max_length=300, blank=True)
    reach_by = models.CharField(
        max_length=10, blank=True, choices=[("email", "By email"), ("phone", "By phone")], default=""
    )
    reminded_at = models.DateTimeField(null=True, blank=True)
    # The time the practice offered, which the visitor confirms from the email.
    offered_start = models.DateTimeField(null=True, blank=True)
    offered_therapist = models.ForeignKey(
        "practice.StaffMember", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    offered_mode = models.CharField(max_length=10, blank=True, default="")
    offered_at = models.DateTimeField(null=True, blank=True)
    # A former client asking to come back (ending): who they are, and the therapist they saw before.
    returning_client = models.ForeignKey(
        Client, null=True, blank=True, on_delete=models.SET_NULL, related_name="return_requests"
    )
    earlier_therapist = models.ForeignKey(
        "practice.StaffMember", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = ConsultationQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["practice", "email"])]

    def __str__(self):
        return f"Consultation request {self.uuid}"


# The status of a request written into the SQL (see AppointmentQuerySet.requested); no value of anyone's goes into it.
_REQUESTED = RawSQL("'requested'", ())  # noqa: S611  # nosec B611


class AppointmentQuerySet(ClientOwnedQuerySet):
    def active(self):
        return self.exclude(status=Appointment.Status.CANCELLED)

    def requested(self):
        """Those waiting for the therapist to confirm. The status is written into the SQL rather than sent as a
        parameter: PostgreSQL uses the partial indexes ``WHERE status = 'requested'`` only for a constant, and the
        therapist's home's kept read of later requests otherwise walked every booked session ahead to find them
        (135 for one therapist: 0.77 ms for none)."""
        return self.filter(status=_REQUESTED)

    def upcoming(self, now=None, *, since=None):
        """Not yet ended, soonest first. Bounded on the start too, from ``since`` (``now - LONGEST_BLOCK`` unless given;
        a kept read passes it as a value of its own): a kept read's generic plan then walks the (therapist, start) or
        (client, start) index from now, not from years ago (the therapist's calendar's "coming up" took 4.7 ms to read
        a therapist's five years, 0.18 ms bounded)."""
        now = now or timezone.now()
        since = since if since is not None else now - LONGEST_BLOCK
        return self.filter(end__gt=now, start__gt=since).order_by("start")

    def past(self, now=None):
        return self.filter(end__lte=now or timezone.now()).order_by("-start")

    def for_therapist(self, staff):
        return self.filter(therapist=staff)

    def sessions(self):
        return self.filter(kind=Kind.SESSION)

    def consultations(self):
        return self.filter(kind=Kind.CONSULTATION)

    def between(self, start, end):
        return self.filter(start__lt=end, end__gt=start)

    def overlapping(self, therapist, start, blocked_until):
        """Active appointments whose blocked span meets [start, blocked_until)."""
        return self.active().filter(therapist=therapist, start__lt=blocked_until, blocked_until__gt=start)

    def with_people(self):
        return self.select_related("therapist__user", "client__user", "consultation", "practice")


class Appointment(UUIDModel):
    class Status(models.TextChoices):
        REQUESTED = "requested", "Waiting for confirmation"
        CONFIRMED = "confirmed", "Confirmed"
        CANCELLED = "cancelled", "Cancelled"
        COMPLETED = "completed", "Took place"

    # No index of their own either: (practice, start) and (therapist, start) below begin with them and serve every
    # read by practice or therapist (and the foreign keys' checks); a narrower index beside a wider one is only
    # another for each write to keep and for a generic plan to choose wrongly, as the client's did.
    practice = models.ForeignKey(Practice, on_delete=models.PROTECT, related_name="appointments", db_index=False)
    therapist = models.ForeignKey(StaffMember, on_delete=models.PROTECT, related_name="appointments", db_index=False)
    # Empty for a consultation with someone who is not (yet) a client. No index of its own: the (client, start)
    # index below serves every read by client, and with both PostgreSQL's generic plans for the record's sessions
    # took the narrower one and sorted the client's five years (0.6 ms) instead of walking (client, start) (0.1 ms).
    client = models.ForeignKey(
        Client, null=True, blank=True, on_delete=models.CASCADE, related_name="appointments", db_index=False
    )
    consultation = models.ForeignKey(
        Consultation, null=True, blank=True, on_delete=models.CASCADE, related_name="appointments"
    )
    kind = models.CharField(max_length=12, choices=Kind, default=Kind.SESSION)
    mode = models.CharField(max_length=10, choices=Mode, default=Mode.IN_PERSON)
    start = models.DateTimeField()
    end = models.DateTimeField()
    # end + the therapist's buffer at booking time; the span the overlap rule guards.
    blocked_until = models.DateTimeField()
    status = models.CharField(max_length=10, choices=Status, default=Status.CONFIRMED)
    video_token = models.CharField(max_length=64, default=new_token, editable=False)
    # A retried submission carrying the same key books once.
    idempotency_key = models.CharField(max_length=64, null=True, blank=True, unique=True)
    # Not stored: True on what ``appointment_book`` returns when an earlier submission with the same key had
    # already made it (a double tap racing itself), so the caller sends nothing a second time.
    was_retry = False
    booked_by = models.CharField(max_length=10, blank=True)  # visitor / client / therapist
    reminder_sent_at = models.DateTimeField(null=True, blank=True)
    # RFC 5545 SEQUENCE: raised on every change calendars must pick up.
    sequence = models.PositiveIntegerField(default=0)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    # The client's own latest change ("moved" / "cancelled"), when, and the time it was before: the
    # therapist's home lists the last two weeks' ("Sessions your clients changed", bookings/panels.py).
    client_change = models.CharField(max_length=10, blank=True, default="")
    client_changed_at = models.DateTimeField(null=True, blank=True)
    client_changed_from = models.DateTimeField(null=True, blank=True)

    objects = AppointmentQuerySet.as_manager()

    class Meta:
        ordering = ["start"]
        indexes = [
            models.Index(fields=["therapist", "start"]),
            # upcoming() and past() bound on the end: the caseload's "today" filtered a therapist's
            # five years of sessions without it (docs/benchmarks-caseload.md).
            models.Index(fields=["therapist", "end"]),
            models.Index(fields=["client", "start"]),
            models.Index(fields=["status", "start"]),
            # The office's calendar: every therapist's week of one practice (a 2,000-client practice's
            # five years of appointments were read to find one week without it). Its last three columns are
            # all the public free times read of booked time (slots._booked), so that read never visits the
            # table: 1,472 rows of the benchmark practice in a quarter of the time on SQLite (docs/benchmarks.md).
            models.Index(
                fields=["practice", "start", "blocked_until", "therapist", "status"], name="bookings_appt_practice_span"
            ),
            # The office's "Waiting to be confirmed": a practice's requests (partial: few appointments are,
            # and without it the office read every booked week ahead to find them).
            models.Index(
                fields=["practice", "start"],
                condition=Q(status="requested"),
                name="bookings_appt_requested",
            ),
            # The therapist's home: their requests after this week (partial, as the office's).
            models.Index(
                fields=["therapist", "start"],
                condition=Q(status="requested"),
                name="bookings_appt_requested_by_th",
            ),
            # The therapist's home: sessions their clients changed lately (partial: almost none are).
            models.Index(
                fields=["therapist", "client_changed_at"],
                condition=Q(client_changed_at__isnull=False),
                name="bookings_appt_client_changed",
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(end__gt=models.F("start")), name="appointment_end_after_start"),
            models.CheckConstraint(condition=Q(blocked_until__gte=models.F("end")), name="appointment_block_covers_it"),
            models.CheckConstraint(
                condition=Q(kind=Kind.CONSULTATION) | Q(client__isnull=False), name="session_has_a_client"
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.start:%Y-%m-%d %H:%M} UTC"

    @property
    def duration(self) -> timedelta:
        return self.end - self.start

    @property
    def is_active(self) -> bool:
        return self.status != self.Status.CANCELLED

    def person_name(self) -> str:
        if self.client_id:
            return self.client.display_name
        if self.consultation_id:
            return self.consultation.name
        return ""

    def video_url(self) -> str:
        if self.mode != Mode.ONLINE:
            return ""
        return BookingSettings.for_practice(self.practice).video_url(self.video_token)


# For pages that read appointments as rows rather than instances (the calendars, the caseload): the choices' labels,
# as ``get_kind_display()`` and the others give them, and whom an appointment is with, as ``person_name()`` says it,
# from the columns ``PERSON_SHOWN`` (``appointment_person(*those)``).
KIND_LABELS, MODE_LABELS, STATUS_LABELS = dict(Kind.choices), dict(Mode.choices), dict(Appointment.Status.choices)
PERSON_SHOWN = (
    "client_id",
    "client__preferred_name",
    "client__user__name",
    "client__user__email",
    "consultation__name",
)


def appointment_person(client_id, preferred_name, name, email, consultation_name) -> str:
    return display_name(preferred_name, name, email) if client_id else consultation_name or ""


class NudgeSent(models.Model):
    """A "shall we book a check-in?" email went to this client (at most one per gap)."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="booking_nudges")
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["client", "sent_at"])]

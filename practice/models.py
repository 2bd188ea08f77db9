import zoneinfo
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone

from core.crypto import EncryptedTextField
from core.mixins import UUIDModel
from crisis.contacts import COUNTRY_CHOICES, contacts_for

# What a risk alert asks of the clinician while the practice has written no procedure of its own.
DEFAULT_RISK_PROCEDURE = (
    "Contact the client by phone; if you cannot reach them and are worried, call their emergency contact; "
    "if life is at risk, call {emergency}."
)


def default_risk_procedure(country: str) -> str:
    """The default procedure with the emergency number of the practice's country (999 in the UK)."""
    return DEFAULT_RISK_PROCEDURE.format(emergency=contacts_for(country).emergency.number)


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError("Please choose a time zone from the list, for example Europe/London.")


class Practice(UUIDModel):
    """A therapy practice. Several may share one server; each sees nothing of the others."""

    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=60, unique=True)
    time_zone = models.CharField(max_length=64, default="Europe/London", validators=[validate_time_zone])
    country = models.CharField(
        max_length=2,
        choices=COUNTRY_CHOICES,
        default="GB",
        help_text="Decides which crisis contacts your clients see.",
    )
    description = models.TextField(
        blank=True, max_length=4000, help_text="Shown on your public page: your approach, in your own words."
    )
    contact_email = models.EmailField(blank=True)
    # The part of the country whose public holidays count as non-working days for message replies
    # (an ISO 3166-2 subdivision the `holidays` library knows: "ENG", "SCT", "NIR", "WLS"; "" for the country's).
    holiday_region = models.CharField(max_length=10, blank=True)
    extra_crisis_line = models.CharField(
        max_length=200,
        blank=True,
        help_text="A national helpline to add to the crisis page, for example for a country outside the UK, Ireland and US.",
    )
    extra_crisis_number = models.CharField(max_length=32, blank=True)
    crisis_contacts_confirmed_on = models.DateField(null=True, blank=True)
    # Shown on every risk alert, so whoever picks one up knows what this practice expects of them.
    risk_procedure = models.TextField(
        blank=True,
        max_length=5000,
        help_text="Shown on every risk alert: what whoever picks one up should do.",
    )
    # "Who has opened my record": whether a client sees their own therapist's reads, one line a day.
    # Exports and emergency access are always listed; the practice may leave out the everyday reads.
    record_openings_show_therapist = models.BooleanField(
        default=True,
        help_text="Clients see, one line a day, the days their therapist read their record.",
    )
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return self.name

    @property
    def risk_procedure_or_default(self) -> str:
        return self.risk_procedure.strip() or default_risk_procedure(self.country)

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)


class StaffMemberQuerySet(models.QuerySet):
    def in_practice(self, practice):
        return self.filter(practice=practice)

    def therapists(self):
        return self.filter(is_therapist=True, is_active=True)

    def owners(self):
        return self.filter(is_owner=True, is_active=True)

    def office(self):
        """Who runs the practice's bookings and money: its owners and administrators."""
        return self.filter(Q(is_owner=True) | Q(is_administrator=True), is_active=True)


class StaffMember(UUIDModel):
    """An owner, a therapist, or both (the solo practitioner); or the practice administrator, who runs
    bookings and money and never sees clinical content (docs/money.md, "The practice administrator")."""

    practice = models.ForeignKey(Practice, on_delete=models.PROTECT, related_name="staff")
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_member")
    is_owner = models.BooleanField(default=False)
    is_therapist = models.BooleanField(default=True)
    is_administrator = models.BooleanField(default=False)
    is_active = models.BooleanField(default=True)
    bio = models.TextField(blank=True, max_length=2000)
    created_at = models.DateTimeField(default=timezone.now)

    objects = StaffMemberQuerySet.as_manager()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(is_owner=True) | Q(is_therapist=True) | Q(is_administrator=True), name="staff_has_a_role"
            ),
        ]

    def __str__(self):
        return str(self.user)

    @property
    def display_name(self) -> str:
        return staff_name(self.user.name, self.user.email)

    @property
    def runs_office(self) -> bool:
        """Runs the practice's bookings and money: an owner or an administrator (never clinical by itself)."""
        return self.is_owner or self.is_administrator

    def today(self):
        return timezone.localdate(timezone=self.practice.zone)

    def away_period(self, on=None) -> "AwayPeriod | None":
        """The away period covering ``on`` (the practice's today by default), if any."""
        on = on or self.today()
        return self.away_periods.covering(on).select_related("cover__user").first()

    @property
    def is_away(self) -> bool:
        """Away today, by the dates of an away period (care/README.md)."""
        return self.away_period() is not None


class AwayPeriodQuerySet(models.QuerySet):
    def covering(self, day):
        return self.filter(starts_on__lte=day, ends_on__gte=day)

    def overlapping(self, first, last):
        """Periods sharing at least one day with ``first``..``last`` (both included)."""
        return self.filter(starts_on__lte=last, ends_on__gte=first)

    def current_or_coming(self, day, *, until=None):
        """Under way on ``day`` or still to come (only those starting by ``until``, if given), soonest first."""
        found = self.filter(ends_on__gte=day)
        if until is not None:
            found = found.filter(starts_on__lte=until)
        return found.order_by("starts_on", "pk")


class AwayPeriod(UUIDModel):
    """A stretch of days a therapist is away (holiday, illness, training), both ends included.

    While it lasts, risk alerts for their clients go at once to ``cover`` if named, else to the
    practice's owners (risk/services.py); their clients see the return date and who else to contact.
    """

    staff = models.ForeignKey(StaffMember, on_delete=models.CASCADE, related_name="away_periods")
    starts_on = models.DateField()
    ends_on = models.DateField(help_text="The last day away.")
    cover = models.ForeignKey(
        StaffMember, null=True, blank=True, on_delete=models.SET_NULL, related_name="covering_periods"
    )
    message = models.TextField(blank=True, max_length=1000)
    created_by = models.ForeignKey(StaffMember, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    objects = AwayPeriodQuerySet.as_manager()

    class Meta:
        ordering = ["starts_on"]
        indexes = [models.Index(fields=["staff", "ends_on"])]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")), name="away_ends_after_it_starts"),
            models.CheckConstraint(condition=~Q(cover=models.F("staff")), name="away_cover_is_someone_else"),
        ]

    def __str__(self):
        return f"{self.staff} away {self.starts_on}–{self.ends_on}"

    @property
    def returns_on(self):
        return self.ends_on + timedelta(days=1)


class ClientQuerySet(models.QuerySet):
    def not_erased(self):
        # Erased clients' kept records are restricted: out of every caseload and list (dataprivacy).
        return self.exclude(erasure__completed_at__isnull=False)

    def erased(self):
        """Clients whose erasure is complete. A practice-wide read of another table leaves them out with
        ``.exclude(client__in=Client.objects.erased())``: a small subquery, where excluding through the relation
        joins every client of the practice to the rows (on PostgreSQL 2.7 ms against 0.7 ms for the office's
        invoices waiting to be paid, docs/benchmarks.md)."""
        return self.filter(erasure__completed_at__isnull=False)

    def for_therapist(self, staff):
        return self.filter(therapist=staff).not_erased()

    def in_practice(self, practice):
        return self.filter(practice=practice)

    def with_people(self):
        return self.select_related("user", "therapist__user", "practice")

    def matching(self, query: str):
        """Clients whose preferred name, name or email holds ``query`` (the search boxes of client lists)."""
        query = query.strip()
        if not query:
            return self
        return self.filter(
            Q(preferred_name__icontains=query) | Q(user__name__icontains=query) | Q(user__email__icontains=query)
        )


def staff_name(name: str, email: str) -> str:
    """What a member of staff is called: their account's name, else its address. For pages that read staff as rows
    (the books, a conversation, the openings, the audit log) as much as for ``StaffMember``."""
    return name or email


def display_name(preferred_name: str, name: str, email: str) -> str:
    """What a client is called: the name they prefer, else their account's name, else its address. For pages that
    read clients as rows (the caseload) as much as for ``Client``."""
    return preferred_name or name or email


class Client(UUIDModel):
    class CareStatus(models.TextChoices):
        ACTIVE = "active", "Active"
        PAUSED = "paused", "Paused"
        ENDED = "ended", "Ended"

    practice = models.ForeignKey(Practice, on_delete=models.PROTECT, related_name="clients")
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="client")
    therapist = models.ForeignKey(StaffMember, on_delete=models.PROTECT, related_name="clients")
    preferred_name = models.CharField(max_length=80, blank=True)
    care_status = models.CharField(max_length=10, choices=CareStatus, default=CareStatus.ACTIVE)
    care_status_since = models.DateField(default=timezone.localdate)
    created_at = models.DateTimeField(default=timezone.now)

    objects = ClientQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["therapist", "care_status"])]

    def __str__(self):
        return self.display_name

    @property
    def display_name(self) -> str:
        return display_name(self.preferred_name, self.user.name, self.user.email)

    @property
    def care_has_ended(self) -> bool:
        """Our work together has ended: nothing the client writes from now on reaches the practice (ending)."""
        return self.care_status == self.CareStatus.ENDED

    @property
    def is_erased(self) -> bool:
        """Their erasure is done: what the practice keeps is restricted (dataprivacy)."""
        return hasattr(self, "erasure") and self.erasure.completed_at is not None


class CareChange(models.Model):
    """A dated change of a client's care: active, paused (nothing is sent to them) or ended."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="care_changes")
    status = models.CharField(max_length=10, choices=Client.CareStatus)
    since = models.DateField()
    changed_by = models.ForeignKey(StaffMember, null=True, on_delete=models.SET_NULL, related_name="+")
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        # Made in bookings before care status moved here (practice/care_status.py); the table kept its name.
        db_table = "bookings_carechange"
        ordering = ["-since", "-changed_at"]

    def __str__(self):
        return f"{self.status} since {self.since}"


class ClientChange(models.Model):
    """A mark that something the caseload shows about a client may have changed (``practice.attention``).

    Insert-only: each change adds a row and the caseload deletes exactly the rows it read once it has
    refreshed that client's facts, so a change made during a refresh keeps its own mark.
    """

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(max_length=40)
    at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return f"{self.reason} at {self.at:%Y-%m-%d %H:%M}"


class EmergencyAccessQuerySet(models.QuerySet):
    def active(self, now=None):
        return self.filter(expires_at__gt=now or timezone.now())


class EmergencyAccess(UUIDModel):
    """An owner's reasoned, time-limited, audited access to one client's clinical record."""

    owner = models.ForeignKey(StaffMember, on_delete=models.PROTECT, related_name="emergency_accesses")
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="emergency_accesses")
    # Sealed: shown to the client's therapist and in the owner's audit view, never in an audit row.
    reason = EncryptedTextField(context="practice.emergencyaccess.reason", max_length=1000)
    granted_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()

    objects = EmergencyAccessQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["owner", "client", "expires_at"])]

import uuid
from datetime import timedelta

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone

from core.mixins import UUIDModel


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, email, password=None, **extra):
        if not email:
            raise ValueError("An email address is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email, password=None, **extra):
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)


class Pronouns(models.TextChoices):
    """How Tending refers to someone when it does not use their name: their own choice, never a guess."""

    NAME = "", "Just use my name"
    SHE = "she", "she/her"
    HE = "he", "he/him"
    THEY = "they", "they/them"


class User(AbstractBaseUser, PermissionsMixin):
    """Someone who signs in: an owner, a therapist or a client (their role lives in ``practice``)."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    email = models.EmailField(unique=True)
    name = models.CharField(max_length=150, blank=True)
    pronouns = models.CharField(max_length=8, choices=Pronouns, blank=True, default=Pronouns.NAME)
    is_active = models.BooleanField(default=True)
    # Django admin access only; Tending's roles are Practice memberships.
    is_staff = models.BooleanField(default=False)
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        constraints = [models.UniqueConstraint(Lower("email"), name="accounts_user_email_ci_unique")]
        # The lists of a practice's clients by name (the owner's page, the office's clients) take their first fifty
        # from here, joining each to its client, rather than sorting every client of the practice: 1.40 → 0.45 ms
        # for two thousand on PostgreSQL (docs/benchmarks.md).
        indexes = [models.Index(fields=["name", "id"], name="accounts_user_name")]

    def __str__(self):
        return self.name or self.email

    def get_full_name(self):
        return self.name or self.email

    def get_short_name(self):
        return (self.name or self.email).split(" ")[0]


# How long an expired invitation stays on the "Invitations waiting" list, ready to be resent.
RECENTLY_EXPIRED = timedelta(days=30)


class InvitationQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now())

    def open(self):
        """Neither accepted nor withdrawn, whether or not the link has expired."""
        return self.filter(accepted_at__isnull=True, revoked_at__isnull=True)

    def waiting(self, *, expired_after=None):
        """What a practice is still waiting on: pending, or expired recently enough to resend (after
        ``expired_after``, ``RECENTLY_EXPIRED`` ago unless given: a kept read passes it as a value)."""
        if expired_after is None:
            expired_after = timezone.now() - RECENTLY_EXPIRED
        return self.open().filter(expires_at__gt=expired_after)

    def managed_by(self, staff):
        """The invitations ``staff`` may resend or cancel: all of the practice's for an owner,
        and for a therapist the client invitations they sent or that are for their own caseload."""
        mine = self.filter(practice=staff.practice)
        if staff.is_owner:
            return mine
        if staff.is_therapist:
            return mine.filter(Q(therapist=staff) | Q(invited_by=staff), role=Invitation.Role.CLIENT)
        return mine.none()

    def with_people(self):
        return self.select_related("practice", "invited_by__user", "therapist__user")

    def listed(self):
        """As the "Invitations waiting" lists show them: newest first, with their people."""
        return self.with_people().order_by("-created_at")

    def waiting_for(self, staff):
        """The "Invitations waiting" list for ``staff``, newest first."""
        return self.waiting().managed_by(staff).listed()


class Invitation(UUIDModel):
    """A single-use, expiring link that lets someone set a password and join a practice.

    Only a SHA-256 of the secret token is stored, so a database leak reveals no
    usable links.
    """

    class Role(models.TextChoices):
        CLIENT = "client", "Client"
        THERAPIST = "therapist", "Therapist"
        # Runs bookings and money, sees no clinical content (practice.StaffMember.is_administrator).
        ADMINISTRATOR = "administrator", "Practice administrator"

    practice = models.ForeignKey("practice.Practice", on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField()
    name = models.CharField(max_length=150, blank=True)
    role = models.CharField(max_length=20, choices=Role)
    # For a client: the therapist they will see.
    therapist = models.ForeignKey(
        "practice.StaffMember", null=True, blank=True, on_delete=models.CASCADE, related_name="client_invitations"
    )
    invited_by = models.ForeignKey("practice.StaffMember", on_delete=models.CASCADE, related_name="sent_invitations")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    # Set whenever the link stops working before use: replaced by a newer invitation, or cancelled.
    revoked_at = models.DateTimeField(null=True, blank=True)
    # Set (with revoked_at) only when the practice withdrew it, so the link can say so.
    cancelled_at = models.DateTimeField(null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["practice", "email"])]

    @property
    def is_usable(self) -> bool:
        return self.accepted_at is None and self.revoked_at is None and self.expires_at > timezone.now()

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()

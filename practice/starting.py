"""Starting a practice: the practice, its owner's account, and the email that lets the owner in.

``manage.py start_practice`` and the first-run page (practice/views_first_run.py) both call
``practice_start``. The owner's account is made at once with no password, and the email carries a
single-use link to choose one (``OwnerWelcomeTokens``): accounts' ``Invitation`` has no owner role and
needs an inviting staff member, and practice sits below accounts, so it cannot call accounts' services
(/tmp/decisions20-e.md says what a later migration could change).
"""

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core.mail import EmailMessage
from django.db import connection, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.http import base36_to_int
from django.utils.text import slugify

from audit.models import AuditEvent
from audit.services import audit_record
from outbox.services import email_queue
from practice.models import Practice, StaffMember


class OwnerWelcomeTokens(PasswordResetTokenGenerator):
    """Like a password-reset link (it stops working once a password is set, as the hash covers the
    password), but open for as many days as an invitation rather than the reset link's hour."""

    key_salt = "practice.starting.OwnerWelcomeTokens"

    def check_token(self, user, token) -> bool:
        if not (user and token) or token.count("-") != 1:
            return False
        try:
            stamp = base36_to_int(token.split("-")[0])
        except ValueError:
            return False
        if not any(
            constant_time_compare(self._make_token_with_timestamp(user, stamp, secret), token)
            for secret in [self.secret, *self.secret_fallbacks]
        ):
            return False
        return self._num_seconds(self._now()) - stamp <= settings.TENDING_INVITATION_DAYS * 24 * 60 * 60


owner_welcome_tokens = OwnerWelcomeTokens()


def owner_welcome_url(user) -> str:
    token = owner_welcome_tokens.make_token(user)
    return settings.SITE_URL + reverse("practice:owner_welcome", kwargs={"user_uuid": user.uuid, "token": token})


def unused_slug(name: str) -> str:
    """A web address for the practice's public page from its name: ``Calm Waters`` → ``calm-waters``
    (``calm-waters-2`` when that is taken)."""
    base = slugify(name)[:50].strip("-") or "practice"
    taken = set(Practice.objects.filter(slug__startswith=base).values_list("slug", flat=True))
    slug, number = base, 2
    while slug in taken:
        slug, number = f"{base}-{number}", number + 1
    return slug


class NotTheFirst(Exception):
    """The first-run page was used after a practice began (two people sending it at the same moment)."""


def _no_practice_yet() -> None:
    """Within the transaction: refuse unless no practice exists, holding the table so a second sender waits.

    SQLite needs no lock (our transactions begin IMMEDIATE: one writer at a time); PostgreSQL locks the
    practices table against other writers until this transaction ends.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("LOCK TABLE practice_practice IN SHARE ROW EXCLUSIVE MODE")
    if Practice.objects.exists():
        raise NotTheFirst


def practice_start(
    *,
    name: str,
    country: str,
    time_zone: str,
    owner_email: str,
    owner_name: str = "",
    owner_is_therapist: bool = True,
    slug: str = "",
    request=None,
    how: str,
    first: bool = False,
) -> StaffMember:
    """Create a practice and its owner, and email the owner a link to choose a password.

    ``how`` says in the audit log how the practice began ("command" or "first-run page"). Callers
    validate first (``practice.first_run.StartPracticeForm``); the database still refuses a taken slug
    or email address, and then nothing is kept. ``first``: only while no practice exists (the first-run
    page), else ``NotTheFirst`` and nothing is created.
    """
    with transaction.atomic():
        if first:
            _no_practice_yet()
        practice = Practice.objects.create(
            name=name.strip(), slug=slug or unused_slug(name), country=country, time_zone=time_zone
        )
        user = get_user_model().objects.create_user(owner_email.strip().lower(), None, name=owner_name.strip())
        # Verified when the owner opens the link, which proves the address is theirs.
        EmailAddress.objects.create(user=user, email=user.email, verified=False, primary=True)
        owner = StaffMember.objects.create(practice=practice, user=user, is_owner=True, is_therapist=owner_is_therapist)
        audit_record(
            action=AuditEvent.Action.CREATE,
            object_type="practice.practice",
            object_id=practice.uuid,
            request=request,
            practice=practice,
            detail={"how": how, "owner": str(user.uuid), "owner_is_therapist": owner_is_therapist},
        )
        audit_record(
            action=AuditEvent.Action.INVITE,
            object_type="accounts.user",
            object_id=user.uuid,
            request=request,
            practice=practice,
            detail={"role": "owner"},
        )
        context = {
            "practice": practice,
            "owner": owner,
            "url": owner_welcome_url(user),
            "days": settings.TENDING_INVITATION_DAYS,
            "site": settings.SITE_URL,
        }
        message = EmailMessage(
            subject=f"Your practice {practice.name} is ready on Tending",
            body=render_to_string("practice/first_run/email/owner_welcome.txt", context),
            to=[user.email],
        )
        email_queue(message, kind="Invitation (owner)", practice=practice, about=("accounts.user", user.uuid))
    return owner


def owner_welcome_accept(*, user, name: str, password: str, request=None) -> None:
    """The owner chose a password through their link: the link stops working and the address is verified."""
    with transaction.atomic():
        user.name = name.strip()
        user.set_password(password)
        user.save(update_fields=["name", "password"])
        EmailAddress.objects.filter(user=user, email__iexact=user.email).update(verified=True)
        staff = StaffMember.objects.select_related("practice").get(user=user)
        audit_record(
            action=AuditEvent.Action.UPDATE,
            object_type="accounts.user",
            object_id=user.uuid,
            request=request,
            actor=user,
            practice=staff.practice,
            detail={"fields": ["name", "password"], "how": "owner welcome link"},
        )


def crisis_contacts_confirm(*, practice: Practice, actor, request=None) -> Practice:
    """The owner has looked at the crisis contacts their clients see and says they are right."""
    with transaction.atomic():
        practice.crisis_contacts_confirmed_on = timezone.localdate(timezone=practice.zone)
        practice.save(update_fields=["crisis_contacts_confirmed_on"])
        audit_record(
            action=AuditEvent.Action.UPDATE,
            object_type="practice.practice",
            object_id=practice.uuid,
            request=request,
            actor=actor,
            practice=practice,
            detail={"fields": ["crisis_contacts_confirmed_on"]},
        )
    return practice

"""Writes for people: invitations and accepting them."""

import hashlib
import secrets
from datetime import timedelta

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from accounts.models import Invitation, User
from accounts.signals import client_joined
from audit.models import AuditEvent
from audit.services import audit_record
from outbox.services import email_queue
from practice.models import Client, StaffMember


class InvitationError(Exception):
    """The invitation cannot be used; ``message`` says kindly what to do."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def invitation_url(token: str) -> str:
    return settings.SITE_URL + reverse("accounts:invitation", kwargs={"token": token})


def invitation_create(
    *,
    invited_by: StaffMember,
    email: str,
    role: str,
    name: str = "",
    therapist: StaffMember | None = None,
    request=None,
) -> tuple[Invitation, str]:
    """Create an invitation and email its link. Returns the invitation and the raw token (shown nowhere else)."""
    email = email.strip().lower()
    if role == Invitation.Role.CLIENT and therapist is None:
        raise ValueError("A client invitation needs a therapist")
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        # A new invitation replaces any earlier one to the same address, so only the newest link works
        # (expired ones too: they would otherwise linger on the "Invitations waiting" list).
        Invitation.objects.open().filter(practice=invited_by.practice, email=email).update(revoked_at=timezone.now())
        invitation = Invitation.objects.create(
            practice=invited_by.practice,
            email=email,
            name=name.strip(),
            role=role,
            therapist=therapist,
            invited_by=invited_by,
            token_hash=hash_token(token),
            expires_at=timezone.now() + timedelta(days=settings.TENDING_INVITATION_DAYS),
        )
        audit_record(
            action=AuditEvent.Action.INVITE,
            object_type="accounts.invitation",
            object_id=invitation.uuid,
            request=request,
            actor=invited_by.user,
            practice=invited_by.practice,
            detail={"role": role},
        )
        context = {
            "invitation": invitation,
            "url": invitation_url(token),
            "practice": invited_by.practice,
            "inviter": invited_by,
            "days": settings.TENDING_INVITATION_DAYS,
        }
        message = EmailMessage(
            subject=f"An invitation from {invited_by.practice.name}",
            body=render_to_string("accounts/email/invitation.txt", context),
            to=[email],
        )
        email_queue(
            message,
            kind=f"Invitation ({invitation.get_role_display().lower()})",
            practice=invited_by.practice,
            about=("accounts.invitation", invitation.uuid),
        )
    return invitation, token


def invitation_for_token(token: str) -> Invitation:
    """The usable invitation behind ``token``, or InvitationError saying what to do next."""
    invitation = (
        Invitation.objects.select_related("practice", "invited_by__user", "therapist__user")
        .filter(token_hash=hash_token(token))
        .first()
    )
    if invitation is None:
        raise InvitationError(
            "This invitation link isn't one we recognise. It may have been copied only in part, "
            "or replaced by a newer invitation. Please ask the person who invited you to send a new one."
        )
    if invitation.accepted_at is not None:
        raise InvitationError(
            "This invitation has already been used to set up an account. You can sign in with your email "
            "address, or reset your password if you've forgotten it."
        )
    if invitation.cancelled_at is not None:
        raise InvitationError(
            "This invitation was withdrawn by the practice. If you think this is a mistake, please contact them."
        )
    if invitation.revoked_at is not None:
        raise InvitationError(
            "This invitation was replaced by a newer one. Please use the most recent email, "
            "or ask the person who invited you to send it again."
        )
    if invitation.expires_at <= timezone.now():
        raise InvitationError(
            "This invitation link has expired, which they do after a few days to keep your account safe. "
            "Please ask the person who invited you to send a new one."
        )
    return invitation


def invitation_accept(*, token: str, name: str, password: str) -> User:
    """Create the account behind an invitation. Single use, even when two tabs submit at once."""
    with transaction.atomic():
        invitation = invitation_for_token(token)
        # Claim the invitation first: the conditional update succeeds for exactly one request, and
        # never for a link that was resent or cancelled while this request was on its way.
        claimed = Invitation.objects.filter(pk=invitation.pk, accepted_at__isnull=True, revoked_at__isnull=True).update(
            accepted_at=timezone.now()
        )
        if not claimed:
            invitation_for_token(token)  # says why, when it was withdrawn or replaced meanwhile
            raise InvitationError("This invitation has already been used to set up an account. You can sign in.")
        if User.objects.filter(email__iexact=invitation.email).exists():
            raise InvitationError(
                "There is already an account for this email address. Please sign in, or reset your password."
            )
        try:
            user = User.objects.create_user(invitation.email, password, name=name.strip())
        except IntegrityError:
            raise InvitationError("There is already an account for this email address. Please sign in.") from None
        # The invitation reached this address, so the address is verified.
        EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
        if invitation.role == Invitation.Role.THERAPIST:
            StaffMember.objects.create(practice=invitation.practice, user=user, is_therapist=True)
        elif invitation.role == Invitation.Role.ADMINISTRATOR:
            StaffMember.objects.create(
                practice=invitation.practice, user=user, is_therapist=False, is_administrator=True
            )
        else:
            client = Client.objects.create(practice=invitation.practice, user=user, therapist=invitation.therapist)
            client_joined.send(sender=Client, client=client)
        audit_record(
            action=AuditEvent.Action.CREATE,
            object_type="accounts.user",
            object_id=user.uuid,
            actor=user,
            practice=invitation.practice,
            detail={"role": invitation.role, "invitation": str(invitation.uuid)},
        )
    return user


def _locked_open_invitation(invitation: Invitation, by: StaffMember, *, doing: str) -> Invitation:
    """The invitation as it is now, locked until commit; InvitationError when it can no longer be ``doing``."""
    if invitation.practice_id != by.practice_id:
        raise ValueError("Staff manage only their own practice's invitations")  # views use accounts.access
    current = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if current.accepted_at is not None:
        raise InvitationError(
            f"{current.email} has already accepted this invitation and has an account, so there is nothing to {doing}."
        )
    if current.cancelled_at is not None and doing == "resend":
        raise InvitationError(
            f"The invitation to {current.email} was cancelled. If you would like them to join, "
            "please send them a new invitation."
        )
    if current.revoked_at is not None and current.cancelled_at is None:
        raise InvitationError(
            f"A newer invitation to {current.email} has been sent since. Please {doing} that one instead."
        )
    return current


def invitation_resend(*, invitation: Invitation, by: StaffMember, request=None) -> tuple[Invitation, str]:
    """Email a fresh link for the same person, role and therapist; the old link stops working.

    The fresh link is a new invitation (``invitation_create`` revokes the old row), sent in ``by``'s
    name because they are the one sending it. Returns the new invitation and its raw token.
    """
    with transaction.atomic():
        current = _locked_open_invitation(invitation, by, doing="resend")
        fresh, token = invitation_create(
            invited_by=by,
            email=current.email,
            role=current.role,
            name=current.name,
            therapist=current.therapist,
            request=request,
        )
        audit_record(
            action=AuditEvent.Action.UPDATE,
            object_type="accounts.invitation",
            object_id=current.uuid,
            request=request,
            actor=by.user,
            practice=current.practice,
            detail={"fields": ["revoked_at"], "resent_as": str(fresh.uuid)},
        )
    return fresh, token


def invitation_cancel(*, invitation: Invitation, by: StaffMember, request=None) -> Invitation:
    """Withdraw an invitation so its link stops working. Cancelling one already cancelled changes nothing."""
    with transaction.atomic():
        current = _locked_open_invitation(invitation, by, doing="cancel")
        if current.cancelled_at is not None:
            return current
        now = timezone.now()
        current.revoked_at = now
        current.cancelled_at = now
        current.save(update_fields=["revoked_at", "cancelled_at"])
        audit_record(
            action=AuditEvent.Action.UPDATE,
            object_type="accounts.invitation",
            object_id=current.uuid,
            request=request,
            actor=by.user,
            practice=current.practice,
            detail={"fields": ["revoked_at", "cancelled_at"]},
        )
    return current


def user_pronouns_set(*, user: User, pronouns: str, request=None) -> User:
    """The person's own choice of how Tending refers to them ("" = by name); never set for them."""
    with transaction.atomic():
        user.pronouns = pronouns
        user.save(update_fields=["pronouns"])
        audit_record(
            action=AuditEvent.Action.UPDATE,
            object_type="accounts.user",
            object_id=user.uuid,
            request=request,
            actor=user,
            detail={"fields": ["pronouns"]},
        )
    return user

"""Sign-in events into the audit log, and the staff two-factor mark cleared when an authenticator is removed.
allauth and Django do the signing in, so a receiver is the one place to hear it."""

from allauth.mfa.signals import authenticator_removed
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from accounts.middleware import MFA_CHECKED_AT
from audit.models import AuditEvent
from audit.services import audit_record


@receiver(user_logged_in)
def _logged_in(sender, request, user, **kwargs):
    audit_record(
        action=AuditEvent.Action.LOGIN, object_type="accounts.user", object_id=user.uuid, request=request, actor=user
    )


@receiver(user_logged_out)
def _logged_out(sender, request, user, **kwargs):
    if user is not None:
        audit_record(
            action=AuditEvent.Action.LOGOUT,
            object_type="accounts.user",
            object_id=user.uuid,
            request=request,
            actor=user,
        )


@receiver(user_login_failed)
def _login_failed(sender, credentials, request=None, **kwargs):
    # The attempted address is not stored: it may be a typo of someone else's.
    audit_record(action=AuditEvent.Action.LOGIN_FAILED, object_type="accounts.user", request=request)


@receiver(authenticator_removed)
def _authenticator_removed(sender, request, user, **kwargs):
    # The staff two-factor check (accounts.middleware) asks the database again on this session's next page.
    if request is not None:
        request.session.pop(MFA_CHECKED_AT, None)

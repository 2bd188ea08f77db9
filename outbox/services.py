"""Writing emails to the outbox.

``email_queue(message, ...)`` is the only way Tending sends an email: call it
inside the transaction of the change that causes the email. The worker sends
each row once the transaction commits (``outbox.tasks.outbox_send``, which calls
``outbox.sending``), and the clock's ``outbox_send`` job picks up anything due:
retries, and rows whose worker was killed mid-send (their claim runs out).
"""

import base64
import json
import logging
from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMessage, make_msgid
from django.db import transaction
from django.utils import timezone

from audit.models import AuditEvent
from audit.services import audit_record
from outbox.models import Email
from outbox.tasks import outbox_send

log = logging.getLogger("tending.outbox")


def _domain() -> str:
    return urlsplit(settings.SITE_URL).hostname or "tending.invalid"


def _pack(message: EmailMessage) -> str:
    def content(value):
        if isinstance(value, bytes):
            return {"b64": base64.b64encode(value).decode("ascii")}
        return {"text": str(value)}

    attachments = []
    for attachment in message.attachments:
        filename, data, mimetype = attachment
        attachments.append({"filename": filename, "mimetype": mimetype, **content(data)})
    alternatives = [{"mimetype": mimetype, **content(data)} for data, mimetype in getattr(message, "alternatives", [])]
    return json.dumps(
        {
            "from": message.from_email,
            "cc": list(message.cc),
            "bcc": list(message.bcc),
            "reply_to": list(message.reply_to),
            "headers": dict(message.extra_headers),
            "alternatives": alternatives,
            "attachments": attachments,
        }
    )


def email_queue(message: EmailMessage, *, kind: str, practice=None, about: tuple[str, object] | None = None) -> Email:
    """Write ``message`` to the outbox in the caller's transaction; the worker sends it after commit.

    ``kind`` names it for the owner's list (no names, nothing clinical); ``about`` is the record it
    concerns, as ``(object_type, id)``, so that record's page can show whether its emails went.
    """
    about_type, about_id = about if about else ("", "")
    now = timezone.now()
    email = Email.objects.create(
        created_at=now,
        next_attempt_at=now,
        practice=practice,
        kind=kind[:40],
        about_type=about_type,
        about_id=str(about_id),
        message_id=make_msgid(domain=_domain()),
        to="\n".join(message.to),
        subject=message.subject,
        body=message.body,
        extra=_pack(message),
    )
    transaction.on_commit(lambda: _enqueue(email.pk))
    return email


def _enqueue(email_id: int) -> None:
    try:
        outbox_send.enqueue(email_id=email_id)
    except Exception:  # noqa: BLE001 - the row is committed; the clock's sweep sends it
        log.exception("could not hand email %s to the worker; the sweep will send it", email_id)


# Sent emails are kept a month (to show on their record's page and answer "did it go?"); failed ones a
# quarter, for the owner to see. The words of a client's emails do not outlive that (docs/decisions.md).
KEEP_SENT = timedelta(days=30)
KEEP_FAILED = timedelta(days=90)


def outbox_purge(*, now=None) -> int:
    """Delete emails past keeping (run by the daily retention job). Returns how many were deleted."""
    now = now or timezone.now()
    old = Email.objects.filter(status=Email.Status.SENT, sent_at__lt=now - KEEP_SENT) | Email.objects.filter(
        status=Email.Status.FAILED, failed_at__lt=now - KEEP_FAILED
    )
    deleted, _ = Email.objects.filter(pk__in=old.values("pk")).delete()
    return deleted


def email_try_again(*, email: Email, actor, request=None) -> bool:
    """The owner sends a failed email again (after mending an address or the mail server)."""
    now = timezone.now()
    with transaction.atomic():
        updated = Email.objects.filter(pk=email.pk, status=Email.Status.FAILED).update(
            status=Email.Status.QUEUED, next_attempt_at=now, created_at=now, failed_at=None
        )
        if updated:
            _audit_owner_action(email, actor, request, "try_again")
            transaction.on_commit(lambda: _enqueue(email.pk))
    return bool(updated)


def email_dismiss(*, email: Email, actor, request=None) -> bool:
    """The owner puts away a failed email they have dealt with another way."""
    with transaction.atomic():
        updated = Email.objects.filter(pk=email.pk, status=Email.Status.FAILED, dismissed_at__isnull=True).update(
            dismissed_at=timezone.now()
        )
        if updated:
            _audit_owner_action(email, actor, request, "dismissed")
    return bool(updated)


def _audit_owner_action(email: Email, actor, request, what: str) -> None:
    audit_record(
        action=AuditEvent.Action.UPDATE,
        object_type="outbox.email",
        object_id=email.uuid,
        request=request,
        actor=actor,
        practice=email.practice,
        detail={what: True},
    )

"""Writing emails to the outbox, and sending them from the worker.

``email_queue(message, ...)`` is the only way Tending sends an email: call it
inside the transaction of the change that causes the email. The worker sends
each row once the transaction commits (``outbox.tasks.outbox_send``), and the
clock's ``outbox_send`` job picks up anything due: retries, and rows whose
worker was killed mid-send (their claim runs out).

What counts as temporary (tried again with backoff for three days) and what as
permanent (failed at once) follows the SMTP reply codes: 4xx and anything that
never reached a reply (refused, timed out, disconnected) are temporary; a 5xx
reply to the message or its recipients is permanent. A 5xx to the sign-in
(wrong password) is the server's set-up, not the email's, so it is retried.
"""

import base64
import json
import logging
import smtplib
from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMessage, EmailMultiAlternatives, make_msgid
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from audit.models import AuditEvent
from audit.services import audit_record
from outbox.models import Email

log = logging.getLogger("tending.outbox")

# Minutes to wait after the 1st, 2nd, ... failed try; the last repeats until GIVE_UP_AFTER.
RETRY_MINUTES = (1, 5, 15, 30, 60)  # so an email goes within the hour of its server's return
GIVE_UP_AFTER = timedelta(hours=72)


def claim_length() -> timedelta:
    """How long a worker may hold a row it is sending before another may take it over (a killed worker)."""
    return timedelta(seconds=settings.TENDING_OUTBOX_CLAIM_SECONDS)


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


def _unpack_content(item: dict):
    return base64.b64decode(item["b64"]) if "b64" in item else item["text"]


def message_of(email: Email) -> EmailMultiAlternatives:
    """The email as it was queued, with its own Message-ID (the same on every try)."""
    extra = json.loads(email.extra or "{}")
    message = EmailMultiAlternatives(
        subject=email.subject,
        body=email.body,
        from_email=extra.get("from"),
        to=email.to_addresses,
        cc=extra.get("cc", []),
        bcc=extra.get("bcc", []),
        reply_to=extra.get("reply_to", []),
        headers={**extra.get("headers", {}), "Message-ID": email.message_id},
    )
    for item in extra.get("alternatives", []):
        message.attach_alternative(_unpack_content(item), item["mimetype"])
    for item in extra.get("attachments", []):
        message.attach(item["filename"], _unpack_content(item), item["mimetype"])
    return message


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
    from outbox.tasks import outbox_send

    try:
        outbox_send.enqueue(email_id=email_id)
    except Exception:  # noqa: BLE001 - the row is committed; the clock's sweep sends it
        log.exception("could not hand email %s to the worker; the sweep will send it", email_id)


def is_permanent(error: Exception) -> bool:
    """True for a 5xx reply about the message or its recipients; everything else is worth another try."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in error.recipients.values()]
        return bool(codes) and all(500 <= code < 600 for code in codes)
    if isinstance(error, smtplib.SMTPAuthenticationError):
        return False
    if isinstance(error, smtplib.SMTPResponseException):
        return 500 <= error.smtp_code < 600
    return False


def describe(error: Exception) -> str:
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return "; ".join(f"{code} {_text(reply)}" for code, reply in error.recipients.values())[:300]
    if isinstance(error, smtplib.SMTPResponseException):
        return f"{error.smtp_code} {_text(error.smtp_error)}"[:300]
    return f"{type(error).__name__}: {error}"[:300]


def _text(reply) -> str:
    return reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)


def retry_delay(attempts: int) -> timedelta:
    return timedelta(minutes=RETRY_MINUTES[min(attempts, len(RETRY_MINUTES)) - 1])


def outbox_deliver(*, email_id: int, now=None) -> str | None:
    """Try to send one email if it is due. Returns its new status, or None when it was not ours to send.

    The claim is a conditional update, so two workers (or a worker and the sweep) never send at once.
    """
    now = now or timezone.now()
    claimed = (
        Email.objects.due(now)
        .filter(pk=email_id)
        .update(status=Email.Status.SENDING, claimed_until=now + claim_length(), attempts=F("attempts") + 1)
    )
    if not claimed:
        return None
    email = Email.objects.get(pk=email_id)
    try:
        message_of(email).send()
    except Exception as error:  # noqa: BLE001 - every failure is recorded on the row, none is lost
        return _record_failure(email, error, now)
    Email.objects.filter(pk=email.pk).update(
        status=Email.Status.SENT, sent_at=timezone.now(), claimed_until=None, last_error=""
    )
    return Email.Status.SENT


def _record_failure(email: Email, error: Exception, now) -> str:
    reason = describe(error)
    if is_permanent(error) or now - email.created_at >= GIVE_UP_AFTER:
        log.error("email %s (%s) could not be sent: %s", email.message_id, email.kind, reason)
        Email.objects.filter(pk=email.pk).update(
            status=Email.Status.FAILED, failed_at=now, claimed_until=None, last_error=reason
        )
        return Email.Status.FAILED
    log.warning("email %s (%s) will be tried again: %s", email.message_id, email.kind, reason)
    Email.objects.filter(pk=email.pk).update(
        status=Email.Status.QUEUED,
        next_attempt_at=now + retry_delay(email.attempts),
        claimed_until=None,
        last_error=reason,
    )
    return Email.Status.QUEUED


def outbox_deliver_due(*, now=None, limit: int = 500) -> dict[str, int]:
    """Send everything due, oldest first. Returns how many ended in each status.

    Each email is claimed and timed at its own moment (unless the caller fixes ``now``), so a long run
    of slow sends never hands out claims that have already run out.
    """
    counts: dict[str, int] = {}
    due = Email.objects.due(now).order_by("next_attempt_at").values_list("pk", flat=True)[:limit]
    for email_id in due:
        status = outbox_deliver(email_id=email_id, now=now)
        if status:
            counts[status] = counts.get(status, 0) + 1
    return counts


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

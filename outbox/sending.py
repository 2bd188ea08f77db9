"""Sending emails from the outbox: the worker's side (``outbox.tasks``).

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

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db.models import F
from django.utils import timezone

from outbox.models import Email

log = logging.getLogger("tending.outbox")

# Minutes to wait after the 1st, 2nd, ... failed try; the last repeats until GIVE_UP_AFTER.
RETRY_MINUTES = (1, 5, 15, 30, 60)  # so an email goes within the hour of its server's return
GIVE_UP_AFTER = timedelta(hours=72)


def claim_length() -> timedelta:
    """How long a worker may hold a row it is sending before another may take it over (a killed worker)."""
    return timedelta(seconds=settings.TENDING_OUTBOX_CLAIM_SECONDS)


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

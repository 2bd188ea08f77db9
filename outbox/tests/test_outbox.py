"""The outbox: written with its cause, sent by the worker, retried or failed by the mail server's answer."""

import smtplib
from datetime import timedelta

from django.core import mail
from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.db import connection, transaction
from django.test import TestCase, override_settings
from django.utils import timezone

from outbox.models import Email
from outbox.sending import GIVE_UP_AFTER, is_permanent, message_of, outbox_deliver, outbox_deliver_due, retry_delay
from outbox.services import email_queue, outbox_purge
from tending.testing.personas import TendingTestCase


def a_message(**kwargs) -> EmailMessage:
    return EmailMessage(subject="Your session on Tuesday", body="See you at 10.", to=["cara@willow.test"], **kwargs)


class FailingBackend:
    """A mail backend that raises what a test sets in ``error`` (the SMTP backend raises the same)."""

    error: Exception | None = None

    def __init__(self, **kwargs):
        pass

    def send_messages(self, messages):
        if FailingBackend.error is not None:
            raise FailingBackend.error
        mail.outbox.extend(messages)
        return len(messages)


FAILING = {"default": {"BACKEND": "outbox.tests.test_outbox.FailingBackend"}}


class QueueTests(TendingTestCase):
    def test_an_email_is_written_with_its_cause_and_sent_once_that_commits(self):
        with self.captureOnCommitCallbacks(execute=True):
            with transaction.atomic():
                email = email_queue(a_message(), kind="Test", practice=self.w.practice)
                self.assertEqual(mail.outbox, [])  # nothing leaves before the cause is kept
        email.refresh_from_db()
        self.assertEqual(email.status, Email.Status.SENT)
        self.assertEqual(len(mail.outbox), 1)
        self.assertEqual(mail.outbox[0].message()["Message-ID"], email.message_id)

    def test_no_email_survives_a_change_that_was_rolled_back(self):
        with self.captureOnCommitCallbacks(execute=True) as callbacks:
            try:
                with transaction.atomic():
                    email_queue(a_message(), kind="Test", practice=self.w.practice)
                    raise RuntimeError("the change failed")
            except RuntimeError:
                pass
        self.assertEqual((Email.objects.count(), callbacks, mail.outbox), (0, [], []))

    def test_attachments_alternatives_and_headers_come_back_as_they_were_queued(self):
        message = EmailMultiAlternatives(
            subject="Subject", body="Plain", to=["a@x.test", "b@x.test"], headers={"List-Unsubscribe": "<https://x/>"}
        )
        message.attach_alternative("<p>Rich</p>", "text/html")
        message.attach("appointment.ics", "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", "text/calendar")
        message.attach("picture.png", b"\x89PNG\r\n\x1a\n\x00\xff", "image/png")
        email = email_queue(message, kind="Test")
        again = message_of(Email.objects.get(pk=email.pk))
        self.assertEqual(again.to, ["a@x.test", "b@x.test"])
        self.assertEqual(again.alternatives[0].content, "<p>Rich</p>")
        self.assertEqual([a.filename for a in again.attachments], ["appointment.ics", "picture.png"])
        self.assertEqual(again.attachments[1].content, b"\x89PNG\r\n\x1a\n\x00\xff")
        self.assertEqual(again.extra_headers["List-Unsubscribe"], "<https://x/>")
        self.assertEqual(again.message()["Message-ID"], email.message_id)

    def test_copies_stay_copies_and_a_blind_copy_never_shows_in_the_headers(self):
        message = EmailMessage(
            subject="s", body="b", to=['"Lewis, Mia" <mia@x.test>'], cc=["cc@x.test"], bcc=["hidden@x.test"]
        )
        again = message_of(Email.objects.get(pk=email_queue(message, kind="Test").pk))
        self.assertEqual(
            (again.to, again.cc, again.bcc), (['"Lewis, Mia" <mia@x.test>'], ["cc@x.test"], ["hidden@x.test"])
        )
        headers = again.message().as_string()
        self.assertNotIn("hidden@x.test", headers)
        self.assertEqual(
            sorted(again.recipients()), sorted(['"Lewis, Mia" <mia@x.test>', "cc@x.test", "hidden@x.test"])
        )

    def test_addresses_words_and_attachments_are_sealed_at_rest(self):
        message = a_message()
        message.attach("appointment.ics", "SUMMARY:Session with Ana", "text/calendar")
        email = email_queue(message, kind="Test")
        with connection.cursor() as cursor:
            cursor.execute('SELECT "to", subject, body, extra FROM outbox_email WHERE id = %s', [email.pk])
            stored = " ".join(cursor.fetchone())
        for plain in ("cara@willow.test", "Tuesday", "See you", "Session with Ana", "appointment.ics"):
            self.assertNotIn(plain, stored)


@override_settings(MAILERS=FAILING)
class DeliveryTests(TestCase):
    def setUp(self):
        FailingBackend.error = None
        self.email = email_queue(a_message(), kind="Test")

    def deliver(self, error, now=None):
        FailingBackend.error = error
        status = outbox_deliver(email_id=self.email.pk, now=now)
        self.email.refresh_from_db()
        return status

    def test_a_temporary_failure_waits_and_tries_again_with_the_same_message_id(self):
        now = timezone.now()
        self.assertEqual(self.deliver(smtplib.SMTPDataError(451, b"4.3.0 Try later"), now), "queued")
        self.assertEqual(self.email.last_error, "451 4.3.0 Try later")
        self.assertEqual(self.email.next_attempt_at, now + timedelta(minutes=1))
        self.assertIsNone(self.deliver(None, now + timedelta(seconds=30)))  # not due yet: nothing sent
        self.assertEqual(self.deliver(None, now + timedelta(minutes=1)), "sent")
        self.assertEqual([m.message()["Message-ID"] for m in mail.outbox], [self.email.message_id])
        self.assertEqual(self.email.attempts, 2)

    def test_a_permanent_refusal_fails_at_once(self):
        self.assertEqual(self.deliver(smtplib.SMTPDataError(554, b"5.7.1 Rejected")), "failed")
        self.assertEqual((self.email.last_error, self.email.attempts), ("554 5.7.1 Rejected", 1))
        self.assertIsNone(self.deliver(None, timezone.now() + timedelta(days=1)))  # never tried again

    def test_temporary_failures_are_retried_for_three_days_then_marked_failed(self):
        start = self.email.created_at
        now, tries = start, 0
        while True:
            status = self.deliver(ConnectionRefusedError(111, "Connection refused"), now)
            tries += 1
            if status == "failed":
                break
            now = self.email.next_attempt_at
        self.assertGreaterEqual(now - start, timedelta(hours=48))
        self.assertGreaterEqual(now - start, GIVE_UP_AFTER)
        self.assertLess(now - start, GIVE_UP_AFTER + timedelta(hours=1))
        self.assertEqual(self.email.attempts, tries, self.email.last_error)

    def test_backoff_grows_and_then_repeats(self):
        self.assertEqual(
            [retry_delay(n).total_seconds() / 60 for n in range(1, 10)], [1, 5, 15, 30, 60, 60, 60, 60, 60]
        )

    def test_an_email_left_half_sent_by_a_killed_worker_is_taken_over_when_its_claim_runs_out(self):
        now = timezone.now()
        Email.objects.filter(pk=self.email.pk).update(status="sending", claimed_until=now + timedelta(minutes=10))
        self.assertEqual(outbox_deliver_due(now=now + timedelta(minutes=9)), {})
        self.assertEqual(outbox_deliver_due(now=now + timedelta(minutes=10)), {"sent": 1})
        self.assertEqual(len(mail.outbox), 1)


class PermanenceTests(TestCase):
    def test_the_smtp_reply_code_decides(self):
        cases = {
            smtplib.SMTPDataError(451, "later"): False,
            smtplib.SMTPDataError(554, "no"): True,
            smtplib.SMTPSenderRefused(550, "no", "from@x"): True,
            smtplib.SMTPRecipientsRefused({"a@x": (550, b"no such user")}): True,
            smtplib.SMTPRecipientsRefused({"a@x": (550, b"no"), "b@x": (452, b"full")}): False,
            smtplib.SMTPAuthenticationError(535, "bad password"): False,  # the server's set-up, not the email
            smtplib.SMTPServerDisconnected("gone"): False,
            ConnectionRefusedError(111, "refused"): False,
            TimeoutError("timed out"): False,
        }
        for error, permanent in cases.items():
            with self.subTest(error=error):
                self.assertEqual(is_permanent(error), permanent)


class PurgeTests(TestCase):
    def test_sent_emails_go_after_a_month_and_failed_ones_after_a_quarter(self):
        now = timezone.now()
        sent = email_queue(a_message(), kind="Test")
        failed = email_queue(a_message(), kind="Test")
        waiting = email_queue(a_message(), kind="Test")
        Email.objects.filter(pk=sent.pk).update(status="sent", sent_at=now - timedelta(days=31))
        Email.objects.filter(pk=failed.pk).update(status="failed", failed_at=now - timedelta(days=89))
        self.assertEqual(outbox_purge(now=now), 1)
        self.assertEqual(outbox_purge(now=now + timedelta(days=2)), 1)
        self.assertEqual(list(Email.objects.values_list("pk", flat=True)), [waiting.pk])

"""The owner's "Emails" page: who an unsent email was for and why, sent again or put away."""

import smtplib
from datetime import timedelta

import time_machine
from django.core.mail import EmailMessage
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from outbox.models import Email
from outbox.sending import outbox_deliver
from outbox.services import email_queue
from outbox.tests.test_outbox import FAILING, FailingBackend, a_message
from tending.testing.personas import TendingTestCase


@override_settings(MAILERS=FAILING)
class OwnerViewTests(TendingTestCase):
    def setUp(self):
        FailingBackend.error = smtplib.SMTPDataError(554, b"5.1.1 Mailbox unavailable")
        message = EmailMessage(subject="Cara's alert", body="Secret words", to=["ana@willow.test"])
        self.failed = email_queue(message, kind="Alert to the therapist", practice=self.w.practice)
        outbox_deliver(email_id=self.failed.pk)

    def tearDown(self):
        FailingBackend.error = None

    def test_the_owner_sees_who_it_was_for_and_why_but_never_its_words(self):
        page = self.as_("owner").get(reverse("practice:emails"))
        self.assertContains(page, "Alert to the therapist")
        self.assertContains(page, "ana@willow.test")
        self.assertContains(page, "554 5.1.1 Mailbox unavailable")
        self.assertNotContains(page, "Secret words")
        self.assertNotContains(page, "Cara")

    def test_the_owners_home_says_an_email_has_not_gone_out(self):
        page = self.as_("owner").get(reverse("practice:owner_home"))
        self.assertContains(page, "An email has not gone out")

    def test_a_long_queued_email_is_shown_too(self):
        FailingBackend.error = ConnectionRefusedError(111, "refused")
        waiting = email_queue(a_message(), kind="Appointment reminder", practice=self.w.practice)
        outbox_deliver(email_id=waiting.pk)
        self.assertNotIn(waiting, Email.objects.needing_attention(self.w.practice))
        with time_machine.travel(timezone.now() + timedelta(minutes=16)):
            self.assertIn(waiting, Email.objects.needing_attention(self.w.practice))

    def test_the_owner_can_send_it_again_and_it_is_audited(self):
        FailingBackend.error = None
        with self.captureOnCommitCallbacks(execute=True):
            response = self.as_("owner").post(reverse("practice:email_retry", kwargs={"email_uuid": self.failed.uuid}))
        self.assertRedirects(response, reverse("practice:emails"))
        self.failed.refresh_from_db()
        self.assertEqual(self.failed.status, "sent")
        self.assertTrue(AuditEvent.objects.filter(object_type="outbox.email", object_id=str(self.failed.uuid)).exists())

    def test_the_owner_can_put_it_away(self):
        self.as_("owner").post(reverse("practice:email_put_away", kwargs={"email_uuid": self.failed.uuid}))
        self.assertNotIn(self.failed, Email.objects.needing_attention(self.w.practice))

    def test_nobody_else_sees_the_practices_emails(self):
        for persona in ("therapist", "client_a", "anonymous"):
            with self.subTest(persona=persona):
                self.assertIn(self.as_(persona).get(reverse("practice:emails")).status_code, (302, 403, 404))
        # Another practice's owner sees their own list, without this email, and cannot touch it.
        self.assertNotContains(self.as_("outsider").get(reverse("practice:emails")), "ana@willow.test")
        retry = reverse("practice:email_retry", kwargs={"email_uuid": self.failed.uuid})
        self.assertEqual(self.as_("outsider").post(retry).status_code, 404)

"""Links that work without signing in leave no long-lived key: manage links end, feed secrets are hashed."""

import importlib
from datetime import timedelta

import time_machine
from django.apps import apps
from django.core import signing
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from bookings.manage_links import MANAGE_SALT, manage_signature
from bookings.models import Appointment, Availability, Consultation, Kind
from bookings.services_sessions import feed_token_rotate
from bookings.tests.helpers import open_every_day
from tending.testing.personas import TendingTestCase


class ManageLinkTests(TendingTestCase):
    def setUp(self):
        open_every_day(self.w.therapist)
        self.consultation = Consultation.objects.create(practice=self.w.practice, name="Rae", email="rae@example.test")
        self.start = (timezone.now() + timedelta(days=3)).replace(hour=10, minute=0, second=0, microsecond=0)
        self.appointment = Appointment.objects.create(
            practice=self.w.practice,
            therapist=self.w.therapist,
            consultation=self.consultation,
            kind=Kind.CONSULTATION,
            start=self.start,
            end=self.start + timedelta(minutes=20),
            blocked_until=self.start + timedelta(minutes=30),
        )

    def url(self, signed, name="bookings:manage"):
        return reverse(name, kwargs={"signed": signed})

    def test_a_link_carries_when_it_was_sent(self):
        signed = manage_signature(self.consultation)
        self.assertEqual(signed.count(":"), 2)
        self.assertEqual(signing.TimestampSigner(salt=MANAGE_SALT).unsign(signed), self.consultation.manage_token)

    def test_a_link_works_until_a_day_after_the_consultation_then_says_how_to_get_in_touch(self):
        signed = manage_signature(self.consultation)
        self.assertEqual(self.client.get(self.url(signed)).status_code, 200)
        with time_machine.travel(self.appointment.end + timedelta(hours=23), tick=False):
            self.assertEqual(self.client.get(self.url(signed)).status_code, 200)
        self.w.practice.contact_email = "hello@willow.example"
        self.w.practice.save(update_fields=["contact_email"])
        with time_machine.travel(self.appointment.end + timedelta(hours=25), tick=False):
            for name in ("bookings:manage", "bookings:manage_move", "bookings:manage_cancel", "bookings:manage_ics"):
                response = self.client.get(self.url(signed, name))
                self.assertEqual(response.status_code, 410, name)
                self.assertContains(response, "This link has done its job", status_code=410)
                self.assertContains(response, "hello@willow.example", status_code=410)
            response = self.client.post(self.url(signed, "bookings:manage_cancel"))
            self.assertEqual(response.status_code, 410)
        self.appointment.refresh_from_db()
        self.assertNotEqual(self.appointment.status, Appointment.Status.CANCELLED)

    def test_a_link_older_than_a_year_has_ended_even_if_its_consultation_is_still_ahead(self):
        with time_machine.travel(timezone.now() - timedelta(days=400), tick=False):
            signed = manage_signature(self.consultation)
        self.assertEqual(self.client.get(self.url(signed)).status_code, 410)

    def test_a_link_sent_before_timestamps_works_until_its_consultation_ends(self):
        old = signing.Signer(salt=MANAGE_SALT).sign(self.consultation.manage_token)
        self.assertEqual(self.client.get(self.url(old)).status_code, 200)
        with time_machine.travel(self.appointment.end + timedelta(days=2), tick=False):
            self.assertEqual(self.client.get(self.url(old)).status_code, 410)

    def test_a_tampered_or_foreign_link_is_not_found(self):
        signed = manage_signature(self.consultation)
        for bad in (
            signed[:-2] + "xx",
            self.consultation.manage_token,
            signing.TimestampSigner(salt="another.salt").sign(self.consultation.manage_token),
            "a:b:c:d",
        ):
            with self.subTest(bad=bad):
                self.assertEqual(self.client.get(self.url(bad)).status_code, 404)


class FeedTokenTests(TendingTestCase):
    def test_only_a_hash_of_the_feed_secret_is_stored_and_the_link_still_works(self):
        token = feed_token_rotate(therapist=self.w.therapist)
        stored = Availability.objects.get(therapist=self.w.therapist).feed_token
        self.assertNotIn(token, stored)
        self.assertEqual(stored, Availability.feed_digest(token))
        self.assertEqual(self.client.get(f"/calendar/feed/{token}.ics").status_code, 200)
        # Knowing the stored hash opens nothing.
        self.assertEqual(self.client.get(f"/calendar/feed/{stored}.ics").status_code, 404)

    def test_the_feed_page_shows_a_new_link_once_and_then_offers_a_new_one(self):
        therapist = self.as_("therapist")
        response = therapist.post(reverse("bookings:feed"), {"action": "rotate"})
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "this is the only time we can show it")
        [token] = Availability.objects.filter(therapist=self.w.therapist).values_list("feed_token", flat=True)
        content = response.content.decode()
        link = content.split('id="feed-url" type="text" readonly value="')[1].split('"')[0]
        self.assertEqual(Availability.feed_digest(link.rsplit("/", 1)[1].removesuffix(".ics")), token)
        again = therapist.get(reverse("bookings:feed"))
        self.assertNotContains(again, "feed-url")
        self.assertNotContains(again, link)
        self.assertContains(again, "we can't show its link again")
        self.assertContains(again, "Make a new link")

    def test_each_feed_fetch_is_audited_as_the_therapists_read_without_the_token(self):
        token = feed_token_rotate(therapist=self.w.therapist)
        before = AuditEvent.objects.count()
        self.client.get(f"/calendar/feed/{token}.ics", REMOTE_ADDR="203.0.113.9")
        self.client.get(f"/calendar/feed/{token}.ics", REMOTE_ADDR="203.0.113.9")
        events = list(AuditEvent.objects.order_by("-id")[:2])
        self.assertEqual(AuditEvent.objects.count(), before + 2)
        for event in events:
            self.assertEqual(event.action, AuditEvent.Action.READ)
            self.assertEqual(event.object_type, "bookings.calendar_feed")
            self.assertEqual(event.object_id, str(self.w.therapist.uuid))
            self.assertEqual(event.actor_id, self.w.therapist.user.uuid)
            self.assertEqual(event.ip, "203.0.113.9")
            self.assertEqual(event.path, "/calendar/feed/<token>.ics")
            self.assertNotIn(token, str(event.detail))

    def test_a_wrong_feed_token_is_not_audited(self):
        feed_token_rotate(therapist=self.w.therapist)
        before = AuditEvent.objects.count()
        self.assertEqual(self.client.get("/calendar/feed/" + "x" * 43 + ".ics").status_code, 404)
        self.assertEqual(AuditEvent.objects.count(), before)

    def test_the_migration_hashes_existing_secrets_so_subscribed_calendars_keep_working(self):
        migration = importlib.import_module("bookings.migrations.0006_hash_feed_tokens")
        plain = "an-existing-plain-feed-token-of-43-chars-x"
        Availability.objects.filter(therapist=self.w.therapist).delete()
        Availability.objects.create(therapist=self.w.therapist, feed_token=plain)
        migration.hash_tokens(apps, None)
        migration.hash_tokens(apps, None)  # a rerun leaves hashed values alone
        self.assertEqual(
            Availability.objects.get(therapist=self.w.therapist).feed_token, Availability.feed_digest(plain)
        )
        self.assertEqual(self.client.get(f"/calendar/feed/{plain}.ics").status_code, 200)

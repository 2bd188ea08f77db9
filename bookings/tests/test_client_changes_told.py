"""A client moving or cancelling a session confirms first, is told any late-cancellation fee beforehand, and
their therapist is told in the app (a panel on their home) and by email, with no clinical detail."""

from datetime import timedelta

import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from bookings.models import Appointment, Kind
from bookings.slots import free_slots
from bookings.tests.helpers import open_every_day
from money.models import BillingSettings, Charge
from tending.testing.personas import TendingTestCase


class ClientChangesTests(TendingTestCase):
    def setUp(self):
        open_every_day(self.w.therapist)
        # Eight and a half days away at any hour of the day the suite runs: the page says "more than 8 days".
        start = (timezone.now() + timedelta(days=8, hours=12)).replace(minute=0, second=0, microsecond=0)
        self.appointment = Appointment.objects.create(
            practice=self.w.practice,
            therapist=self.w.therapist,
            client=self.w.client_a,
            kind=Kind.SESSION,
            start=start,
            end=start + timedelta(minutes=50),
            blocked_until=start + timedelta(minutes=60),
        )
        self.cara = self.as_("client_a")
        self.move_url = reverse("bookings:session_move", kwargs={"appointment_uuid": self.appointment.uuid})
        self.cancel_url = reverse("bookings:session_cancel", kwargs={"appointment_uuid": self.appointment.uuid})

    def another_time(self):
        slots = free_slots(self.w.therapist, Kind.SESSION, ignore=self.appointment)
        return next(s for s in slots if s.start != self.appointment.start)

    def therapist_emails(self):
        return [m for m in mail.outbox if m.to == [self.w.therapist.user.email]]

    def test_choosing_a_new_time_asks_first_and_changes_nothing(self):
        slot = self.another_time()
        response = self.cara.post(self.move_url, {"slot": slot.key})
        self.assertContains(response, "<h1>Move your session?</h1>", html=True)
        self.assertContains(response, "Ana Therapist is told")
        self.assertContains(response, 'name="confirm" value="yes"')
        self.assertContains(response, "Yes, move it")
        self.appointment.refresh_from_db()
        self.assertNotEqual(self.appointment.start, slot.start)
        self.assertFalse(AuditEvent.objects.filter(detail__by="client").exists())

    def test_a_confirmed_move_moves_it_and_tells_the_therapist_in_the_app_and_by_email(self):
        was = self.appointment.start
        slot = self.another_time()
        with self.captureOnCommitCallbacks(execute=True):
            response = self.cara.post(self.move_url, {"slot": slot.key, "confirm": "yes"})
        self.assertRedirects(
            response,
            reverse("bookings:session", kwargs={"appointment_uuid": self.appointment.uuid}),
            fetch_redirect_response=False,
        )
        self.appointment.refresh_from_db()
        self.assertEqual(self.appointment.start, slot.start)
        told = self.therapist_emails()
        self.assertEqual(len(told), 1)
        body = told[0].body
        self.assertIn("A client has moved their session from", body)
        self.assertNotIn("Cara", body)  # no name, nothing clinical: the link opens it after signing in
        self.assertIn(str(self.appointment.uuid), body)
        home = self.as_("therapist").get(reverse("caseload:home"))
        zone = self.w.practice.zone
        self.assertContains(home, "Sessions your clients changed")
        self.assertContains(home, f"moved a session from {was.astimezone(zone):%A} {was.astimezone(zone).day}")
        self.assertContains(home, "Cara Client")
        # A colleague's home says nothing of it.
        self.assertNotContains(self.as_("colleague").get(reverse("caseload:home")), "Sessions your clients changed")

    def test_the_cancel_page_asks_says_how_far_away_and_who_is_told(self):
        response = self.cara.get(self.cancel_url)
        self.assertContains(response, "<h1>Cancel this session?</h1>", html=True)
        self.assertContains(response, "more than 8 days from now")
        self.assertContains(response, "Ana Therapist is told")
        self.assertTrue(Appointment.objects.get(pk=self.appointment.pk).is_active)

    def test_a_confirmed_cancel_tells_the_therapist_in_the_app_and_by_email(self):
        with self.captureOnCommitCallbacks(execute=True):
            response = self.cara.post(self.cancel_url)
        self.assertRedirects(response, reverse("bookings:mine"), fetch_redirect_response=False)
        self.assertFalse(Appointment.objects.get(pk=self.appointment.pk).is_active)
        told = self.therapist_emails()
        self.assertEqual(len(told), 1)
        self.assertIn("A client has cancelled their session on", told[0].body)
        home = self.as_("therapist").get(reverse("caseload:home"))
        self.assertContains(home, "cancelled the session on")
        event = AuditEvent.objects.get(detail__by="client", object_id=str(self.appointment.uuid))
        self.assertEqual(event.detail["change"], "cancelled")
        self.assertEqual(event.actor_role, "client")

    def test_the_late_cancellation_fee_is_said_before_confirming(self):
        settings = BillingSettings.for_practice(self.w.practice)
        settings.late_cancel_enabled = True
        settings.late_cancel_fee = 3000
        settings.late_cancel_hours = 24 * 10  # this session, nine days away, is inside it
        settings.save()
        response = self.cara.get(self.cancel_url)
        text = " ".join(response.content.decode().split())
        self.assertIn("If you need to cancel less than 240 hours before a session, the practice may charge", text)
        self.assertIn("more than 8 days from now", text)
        self.cara.post(self.cancel_url)
        # What the page said is what happened: money charged (or waived by policy) the fee.
        self.assertTrue(
            Charge.objects.filter(appointment=self.appointment, kind=Charge.Kind.LATE_CANCELLATION).exists()
        )

    def test_old_changes_leave_the_home_panel(self):
        self.cara.post(self.cancel_url)
        home = self.as_("therapist").get(reverse("caseload:home"))
        self.assertContains(home, "Sessions your clients changed")
        with time_machine.travel(timezone.now() + timedelta(days=15), tick=False):
            home = self.as_("therapist").get(reverse("caseload:home"))
        # Signed in afresh inside the travel, so this is her home page, not a sign-in page.
        self.assertEqual(home.status_code, 200)
        self.assertNotContains(home, "Sessions your clients changed")

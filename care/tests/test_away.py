"""Time away: dates decide "away now"; alerts go to the cover or the owners at once; clients are told."""

from datetime import UTC, datetime, timedelta

import time_machine
from django.core import mail
from django.urls import reverse

from audit.models import AuditEvent
from bookings.models import Kind
from bookings.slots import free_slots
from bookings.tests.helpers import open_every_day
from care.services import CareError, away_period_end, away_period_save
from practice.models import AwayPeriod
from risk.models import RiskAlert
from risk.services import risk_alert_raise, risk_escalate_due
from tending.testing.personas import TendingTestCase

# A Wednesday at noon in London: dates below are relative to it.
WEDNESDAY = datetime(2026, 3, 11, 12, tzinfo=UTC)


class AwayDatesTests(TendingTestCase):
    def away(self, start_offset=0, days=1, cover=None, staff=None, message=""):
        staff = staff or self.w.therapist
        start = staff.today() + timedelta(days=start_offset)
        return away_period_save(
            staff=staff,
            starts_on=start,
            ends_on=start + timedelta(days=days - 1),
            cover=cover,
            message=message,
            by=staff,
        )

    def test_away_now_comes_from_the_dates(self):
        with time_machine.travel(WEDNESDAY, tick=False):
            period = self.away(start_offset=1, days=2)
            self.assertFalse(self.w.therapist.is_away)
        with time_machine.travel(WEDNESDAY + timedelta(days=1), tick=False):
            self.assertTrue(self.w.therapist.is_away)
            self.assertEqual(self.w.therapist.away_period(), period)
        with time_machine.travel(WEDNESDAY + timedelta(days=3), tick=False):
            self.assertFalse(self.w.therapist.is_away)

    def test_an_alert_goes_to_the_cover_at_once_and_not_to_the_owner(self):
        # All on the travelled clock: Ben signs in and reads the alert on Ana's day away.
        with time_machine.travel(WEDNESDAY, tick=False):
            self.away(cover=self.w.colleague)
            with self.captureOnCommitCallbacks(execute=True):
                alert = risk_alert_raise(client=self.w.client_a, source="phq9_item9")
            alert.refresh_from_db()
            self.assertEqual(alert.routed_to, self.w.colleague)
            self.assertIsNone(alert.escalated_at)
            self.assertEqual([m.to for m in mail.outbox], [["ben@willow.test"]])
            self.assertIn("You are covering for Ana Therapist", mail.outbox[0].body)
            self.assertNotIn("Cara", mail.outbox[0].body)
            # Ben sees the alert and may acknowledge it, but not Cara's record.
            ben = self.as_("colleague")
            page = ben.get(reverse("risk:alert", kwargs={"alert_uuid": alert.uuid}))
            self.assertContains(page, "You are covering for Ana Therapist")
            self.assertContains(page, "Ana Therapist (away until 11 March)")
            self.assertContains(page, "cara@willow.test")
            self.assertNotContains(
                page, reverse("practice:client_detail", kwargs={"client_uuid": self.w.client_a.uuid})
            )
            self.assertEqual(
                ben.get(reverse("practice:client_detail", kwargs={"client_uuid": self.w.client_a.uuid})).status_code,
                404,
            )
            ben.post(reverse("risk:acknowledge", kwargs={"alert_uuid": alert.uuid}), {"action_taken": "contacted"})
            alert.refresh_from_db()
            self.assertEqual(alert.acknowledged_by, self.w.colleague.user)

    def test_a_cover_who_does_not_acknowledge_is_escalated_to_the_owner_in_time(self):
        with time_machine.travel(WEDNESDAY, tick=False):
            self.away(days=5, cover=self.w.colleague)
            alert = risk_alert_raise(client=self.w.client_a, source="phq9_item9")
        with time_machine.travel(WEDNESDAY + timedelta(days=1, minutes=1), tick=False):
            self.assertEqual(risk_escalate_due(), 1)
        alert.refresh_from_db()
        self.assertIsNotNone(alert.escalated_at)

    def test_without_cover_an_alert_goes_to_the_owners_at_once(self):
        with time_machine.travel(WEDNESDAY, tick=False):
            self.away()
            with self.captureOnCommitCallbacks(execute=True):
                alert = risk_alert_raise(client=self.w.client_a, source="journal_words")
        self.assertIsNotNone(alert.escalated_at)
        self.assertEqual([m.to for m in mail.outbox], [["olive@willow.test"]])

    def test_an_alert_already_open_when_time_away_begins_goes_to_the_cover(self):
        with time_machine.travel(WEDNESDAY, tick=False):
            alert = risk_alert_raise(client=self.w.client_a, source="phq9_item9")
            self.away(start_offset=1, cover=self.w.colleague)
        with time_machine.travel(WEDNESDAY + timedelta(hours=13), tick=False):
            risk_escalate_due()  # the worker's sweep, just after midnight
        alert.refresh_from_db()
        self.assertEqual(alert.routed_to, self.w.colleague)
        self.assertIsNone(alert.escalated_at)

    def test_saving_time_away_that_has_begun_routes_open_alerts_at_once(self):
        with time_machine.travel(WEDNESDAY, tick=False):
            alert = risk_alert_raise(client=self.w.client_a, source="phq9_item9")
            self.away(cover=None)
        alert.refresh_from_db()
        self.assertIsNotNone(alert.escalated_at)
        detail = AuditEvent.objects.filter(action=AuditEvent.Action.ESCALATE).get().detail
        self.assertEqual(detail, {"reason": "therapist_away"})

    def test_a_cover_who_is_away_too_is_refused_kindly(self):
        with time_machine.travel(WEDNESDAY, tick=False):
            self.away(staff=self.w.colleague, days=3)
            with self.assertRaisesMessage(CareError, "Ben Therapist is away from"):
                self.away(days=2, cover=self.w.colleague)

    def test_overlapping_time_away_is_refused(self):
        with time_machine.travel(WEDNESDAY, tick=False):
            self.away(days=3)
            with self.assertRaisesMessage(CareError, "overlap"):
                self.away(start_offset=2, days=3)

    def test_the_form_explains_mistakes_and_keeps_what_was_typed(self):
        page = self.as_("therapist").post(
            reverse("care:away"), {"starts_on": "2099-05-10", "ends_on": "2099-05-01", "message": "Back soon"}
        )
        self.assertEqual(page.status_code, 400)
        self.assertContains(page, "The last day away can&#x27;t be before the first.", status_code=400)
        self.assertContains(page, "Back soon", status_code=400)
        self.assertFalse(AwayPeriod.objects.exists())

    def test_a_therapist_records_time_away_with_a_cover_and_a_message(self):
        start = self.w.therapist.today() + timedelta(days=20)
        response = self.as_("therapist").post(
            reverse("care:away"),
            {
                "starts_on": start.isoformat(),
                "ends_on": (start + timedelta(days=6)).isoformat(),
                "cover": self.w.colleague.pk,
                "message": "I'm on leave and back soon.",
            },
        )
        self.assertEqual(response.status_code, 302)
        period = AwayPeriod.objects.get()
        self.assertEqual(
            (period.staff, period.cover, period.created_by), (self.w.therapist, self.w.colleague, self.w.therapist)
        )
        self.assertEqual(period.message, "I'm on leave and back soon.")
        self.assertTrue(AuditEvent.objects.filter(object_type="practice.awayperiod", action="create").exists())

    def test_the_owner_records_time_away_for_a_therapist_who_is_ill(self):
        today = self.w.therapist.today()
        response = self.as_("owner").post(
            reverse("care:staff", kwargs={"staff_uuid": self.w.therapist.uuid}),
            {"starts_on": today.isoformat(), "ends_on": (today + timedelta(days=4)).isoformat()},
        )
        self.assertEqual(response.status_code, 302)
        period = AwayPeriod.objects.get()
        self.assertEqual((period.staff, period.created_by), (self.w.therapist, self.w.owner))
        self.assertTrue(self.w.therapist.is_away)

    def test_back_early_ends_the_time_away(self):
        with time_machine.travel(WEDNESDAY, tick=False):
            period = self.away(start_offset=-2, days=7)
            away_period_end(period=period, by=self.w.therapist)
            self.assertFalse(self.w.therapist.is_away)
            period.refresh_from_db()
            self.assertEqual(period.ends_on, self.w.therapist.today() - timedelta(days=1))
            coming = self.away(start_offset=10)
            away_period_end(period=coming, by=self.w.therapist)
            self.assertFalse(AwayPeriod.objects.filter(pk=coming.pk).exists())

    def test_clients_see_the_return_date_the_message_and_who_else_to_contact(self):
        self.w.practice.contact_email = "hello@willow.test"
        self.w.practice.save(update_fields=["contact_email"])
        with time_machine.travel(WEDNESDAY, tick=False):
            self.away(days=3, cover=self.w.colleague, message="Taking a few days of rest.")
            page = self.as_("client_a").get(reverse("practice:client_home"))
        self.assertContains(page, "Ana Therapist is away and back on Saturday 14 March.")
        self.assertContains(page, "Taking a few days of rest.")
        self.assertContains(page, "Ben Therapist is looking after Ana Therapist's clients.")
        self.assertContains(page, "hello@willow.test")
        # Eli, Ben's client, sees nothing of it.
        with time_machine.travel(WEDNESDAY, tick=False):
            self.assertNotContains(self.as_("client_c").get(reverse("practice:client_home")), "is away")

    def test_nobody_can_book_a_session_on_days_away(self):
        open_every_day(self.w.therapist, minimum_notice_hours=0)
        with time_machine.travel(WEDNESDAY, tick=False):
            self.away(start_offset=1, days=2)
            days = {slot.start.date() for slot in free_slots(self.w.therapist, Kind.SESSION)}
            today = self.w.therapist.today()
        self.assertIn(today + timedelta(days=3), days)
        self.assertNotIn(today + timedelta(days=1), days)
        self.assertNotIn(today + timedelta(days=2), days)

    def test_the_therapists_home_says_who_they_cover_for(self):
        with time_machine.travel(WEDNESDAY, tick=False):
            self.away(days=2, cover=self.w.colleague)
            page = self.as_("colleague").get(reverse("caseload:home"))
            own = self.as_("therapist").get(reverse("caseload:home"))
        self.assertContains(page, "You are covering for Ana Therapist until Thursday 12 March")
        self.assertContains(own, "You are away until Thursday 12 March.")


class AlertHistoryTests(TendingTestCase):
    def test_an_alert_raised_while_away_is_still_the_therapists_to_see(self):
        today = self.w.therapist.today()
        away_period_save(
            staff=self.w.therapist, starts_on=today, ends_on=today, cover=self.w.colleague, message="", by=self.w.owner
        )
        alert = risk_alert_raise(client=self.w.client_a, source="phq9_item9")
        self.assertEqual(RiskAlert.objects.for_staff(self.w.therapist).get(), alert)
        self.assertEqual(RiskAlert.objects.for_staff(self.w.colleague).get(), alert)
        self.assertFalse(RiskAlert.objects.for_staff(self.w.owner).exists())

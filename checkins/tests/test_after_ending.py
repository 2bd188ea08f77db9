"""Check-ins after our work together has ended (issue 21): the client's alone. Marked ``after_ending``,
left out of every staff read (the therapist's journey, "since we last met"), shown to the client; the page
says nobody at the practice will see them, and risk words show the crisis contacts and alert nobody."""

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from checkins.models import CheckIn
from checkins.selectors import scale_averages, scale_trends, with_notes
from checkins.services import checkin_record, checkin_update
from journey.selectors import build_journey
from onboarding.services import consent_record
from practice.care_status import care_status_change
from risk.checks import risk_checks_run
from risk.models import RiskAlert, RiskCheck
from tending.testing.personas import TendingTestCase

URL = reverse("checkins:today")
NOBODY = "nobody at the practice will see"


class CheckInsAfterTheEndingTests(TendingTestCase):
    def setUp(self):
        self.cara = self.w.client_a

    def set_care(self, status):
        care_status_change(client=self.cara, status=status, since=self.w.therapist.today(), staff=self.w.therapist)
        self.cara.refresh_from_db()

    def test_a_check_in_after_the_ending_is_the_clients_alone(self):
        before = checkin_record(client=self.cara, data={"mood": 3, "note": "Tired before the ending"})
        CheckIn.objects.filter(pk=before.pk).update(local_date=before.local_date - dt.timedelta(days=2))
        self.set_care(self.cara.CareStatus.ENDED)
        after = checkin_record(client=self.cara, data={"mood": 9, "note": "A bright morning after"})
        self.assertEqual((before.after_ending, after.after_ending), (False, True))

        # Staff reads: only the check-in from before the ending.
        self.assertEqual([c.pk for c in with_notes(self.cara, limit=10)], [before.pk])
        now = timezone.now()
        self.assertEqual(scale_trends(self.cara, now - dt.timedelta(days=7), now)["count"], 1)
        self.assertEqual(sum(row["n"] for row in scale_averages(self.cara, for_staff_view=True)), 1)
        therapist_journey = build_journey(self.cara, "month", for_staff=True)
        self.assertEqual(therapist_journey.checkin_count, 1)
        page = self.as_("therapist").get(reverse("journey:client", kwargs={"client_uuid": self.cara.uuid}))
        self.assertNotIn("A bright morning after", page.content.decode())

        # The client still sees all of theirs.
        self.assertEqual(sum(row["n"] for row in scale_averages(self.cara)), 2)
        self.assertEqual(build_journey(self.cara, "month").checkin_count, 2)

    def test_todays_check_in_changed_after_the_ending_leaves_the_staff_view(self):
        today = checkin_record(client=self.cara, data={"mood": 4})
        self.set_care(self.cara.CareStatus.ENDED)
        checkin_update(checkin=today, data={"mood": 7, "note": "Changed after"})
        today.refresh_from_db()
        self.assertTrue(today.after_ending)
        self.assertEqual(with_notes(self.cara, limit=10), [])

    def test_the_check_in_page_says_nobody_at_the_practice_will_see_it(self):
        self.set_care(self.cara.CareStatus.ENDED)
        page = self.as_("client_a").get(URL)
        self.assertContains(page, "your check-ins are yours now: " + NOBODY + " them")
        self.assertContains(page, reverse("safetyplan:mine"))
        self.assertContains(page, "tel:116123")

    def test_risk_words_after_the_ending_show_the_contacts_and_nobody_will_see_and_raise_nothing(self):
        consent_record(client=self.cara, kind="checkin_risk_alerts", granted=True)
        self.set_care(self.cara.CareStatus.ENDED)
        with self.captureOnCommitCallbacks(execute=True):
            response = self.as_("client_a").post(URL, {"mood": "1", "note": "I want to end my life"})
        self.assertRedirects(response, URL)
        page = self.as_("client_a").get(URL)
        self.assertContains(page, "tel:116123")
        self.assertContains(page, NOBODY + " this")
        self.assertContains(page, reverse("safetyplan:mine"))
        risk_checks_run()
        self.assertFalse(RiskCheck.objects.exists())
        self.assertFalse(RiskAlert.objects.exists())
        self.assertTrue(CheckIn.objects.get().after_ending)

    def test_a_paused_client_is_still_heard(self):
        consent_record(client=self.cara, kind="checkin_risk_alerts", granted=True)
        self.set_care(self.cara.CareStatus.PAUSED)
        with self.captureOnCommitCallbacks(execute=True):
            self.as_("client_a").post(URL, {"mood": "1", "note": "I want to end my life"})
        self.assertFalse(CheckIn.objects.get().after_ending)
        self.assertEqual(RiskAlert.objects.get().source, "checkin_note")
        self.assertNotContains(self.as_("client_a").get(URL), NOBODY)

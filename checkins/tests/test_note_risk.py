"""Check-in notes: crisis contacts at once for risk words, and an alert with the client's own consent."""

from django.urls import reverse

from checkins.models import CheckIn
from checkins.services import checkin_record, checkin_update
from onboarding.services import consent_record
from risk.checks import risk_checks_run
from risk.models import RiskAlert, RiskCheck
from tending.testing.personas import TendingTestCase

URL = reverse("checkins:today")


class NoteRiskTests(TendingTestCase):
    def check_in(self, data, url=URL):
        with self.captureOnCommitCallbacks(execute=True):
            return self.as_("client_a").post(url, data)

    def test_a_risky_note_alerts_the_therapist_when_the_client_agreed(self):
        consent_record(client=self.w.client_a, kind="checkin_risk_alerts", granted=True)
        self.check_in({"mood": "1", "note": "I don't want to be here anymore"})
        checkin = CheckIn.objects.get()
        alert = RiskAlert.objects.get()
        self.assertEqual(
            (alert.source, alert.source_id, alert.client), ("checkin_note", str(checkin.uuid), self.w.client_a)
        )
        self.assertEqual(alert.get_source_display(), "Words in a check-in note suggested the client may be at risk")

    def test_without_the_check_in_consent_nobody_is_told(self):
        # The journal's consent is a different choice: it does not cover check-in notes.
        consent_record(client=self.w.client_a, kind="journal_risk_alerts", granted=True)
        self.check_in({"mood": "1", "note": "I want to end it all"})
        self.assertTrue(RiskCheck.objects.get().found)
        self.assertFalse(RiskAlert.objects.exists())

    def test_a_risky_note_shows_the_crisis_contacts_gently_beside_the_check_in(self):
        response = self.check_in({"mood": "2", "note": "Thinking about how to end my life"})
        self.assertRedirects(response, URL)
        page = self.as_("client_a").get(URL)
        self.assertContains(page, "If you are struggling right now")
        self.assertContains(page, "tel:116123")
        self.assertContains(page, "Your check-ins are not watched around the clock")

    def test_an_ordinary_note_goes_home_with_thanks_and_no_contacts(self):
        response = self.check_in({"mood": "6", "note": "A walk and a good lunch"})
        self.assertRedirects(response, reverse("practice:client_home"), fetch_redirect_response=False)
        self.assertNotContains(self.as_("client_a").get(URL), "If you are struggling right now")

    def test_only_a_new_or_changed_note_is_checked(self):
        checkin = checkin_record(client=self.w.client_a, data={"mood": 5})
        self.assertFalse(RiskCheck.objects.exists())
        checkin_update(checkin=checkin, data={"mood": 4, "note": "Tired"})
        checkin_update(checkin=checkin, data={"mood": 3, "note": "Tired"})
        self.assertEqual(
            list(RiskCheck.objects.values_list("source", "source_id")), [("checkin_note", str(checkin.uuid))]
        )

    def test_a_note_whose_alert_could_not_be_raised_alerts_later(self):
        consent_record(client=self.w.client_a, kind="checkin_risk_alerts", granted=True)
        checkin_record(client=self.w.client_a, data={"note": "I keep thinking about suicide"})  # worker down
        self.assertFalse(RiskAlert.objects.exists())
        risk_checks_run()
        self.assertEqual(RiskAlert.objects.get().source, "checkin_note")

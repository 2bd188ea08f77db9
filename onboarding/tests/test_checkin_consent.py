"""The check-in alerts choice: asked at onboarding and changeable under "My choices", like the journal's."""

from django.urls import reverse

from onboarding.consents import has_consent
from onboarding.models import ConsentChoice
from onboarding.services import WORDING
from tending.testing.personas import TendingTestCase


class CheckinConsentTests(TendingTestCase):
    def test_onboarding_asks_about_check_in_alerts_beside_journal_alerts(self):
        http = self.as_("client_a")
        welcome = http.get(reverse("onboarding:welcome"))
        self.assertContains(welcome, reverse("onboarding:choices"))
        page = http.get(reverse("onboarding:choices"))
        self.assertContains(page, 'name="journal_risk_alerts"')
        self.assertContains(page, 'name="checkin_risk_alerts"')
        self.assertContains(page, "If words in a check-in note suggest I might be at risk")

    def test_it_is_off_until_chosen_and_kept_with_its_wording_under_my_choices(self):
        self.assertFalse(has_consent(self.w.client_a, "checkin_risk_alerts"))
        http = self.as_("client_a")
        http.post(reverse("onboarding:choices"), {"checkin_risk_alerts": "on", "gap_days": "28"})
        self.assertTrue(has_consent(self.w.client_a, "checkin_risk_alerts"))
        self.assertFalse(has_consent(self.w.client_a, "journal_risk_alerts"))
        page = http.get(reverse("onboarding:choices"))
        self.assertContains(page, "Check-in alerts to my therapist: yes")
        http.post(reverse("onboarding:choices"), {"gap_days": "28"})
        self.assertFalse(has_consent(self.w.client_a, "checkin_risk_alerts"))
        wordings = ConsentChoice.objects.filter(client=self.w.client_a, kind="checkin_risk_alerts")
        self.assertEqual(set(wordings.values_list("wording", flat=True)), {WORDING["checkin_risk_alerts"]})

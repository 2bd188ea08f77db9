"""Risk alerts of an erased client are restricted; acknowledging an escalated alert is not emergency access."""

from django.urls import reverse

from dataprivacy.services import erasure_complete, erasure_request
from risk.models import RiskAlert
from risk.services import risk_alert_escalate, risk_alert_raise
from tending.testing.personas import TendingTestCase


class EscalatedAlertTests(TendingTestCase):
    def setUp(self):
        self.cara = risk_alert_raise(client=self.w.client_a, source="phq9_item9")
        self.dev = risk_alert_raise(client=self.w.client_b, source="phq9_item9")
        for alert in (self.cara, self.dev):
            risk_alert_escalate(alert=alert)
        erasure_complete(erasure=erasure_request(client=self.w.client_b), owner=self.w.owner)
        self.olive = self.as_("owner")

    def test_the_owner_acknowledges_escalated_alerts_but_never_an_erased_clients(self):
        # Answering an escalated alert is not emergency access: no grant is needed for Cara's.
        url = reverse("risk:acknowledge", kwargs={"alert_uuid": self.cara.uuid})
        response = self.olive.post(url, {"action_taken": RiskAlert.Action.CONTACTED, "note": "Called Cara"})
        self.assertRedirects(response, reverse("risk:alert", kwargs={"alert_uuid": self.cara.uuid}))
        self.cara.refresh_from_db()
        self.assertIsNotNone(self.cara.acknowledged_at)
        # Dev's erasure is done: his alert is part of his restricted record.
        self.assertNotContains(self.olive.get(reverse("risk:list")), str(self.dev.uuid))
        self.assertEqual(self.olive.get(reverse("risk:alert", kwargs={"alert_uuid": self.dev.uuid})).status_code, 404)
        url = reverse("risk:acknowledge", kwargs={"alert_uuid": self.dev.uuid})
        self.assertEqual(self.olive.post(url, {"action_taken": RiskAlert.Action.CONTACTED}).status_code, 404)
        self.dev.refresh_from_db()
        self.assertIsNone(self.dev.acknowledged_at)

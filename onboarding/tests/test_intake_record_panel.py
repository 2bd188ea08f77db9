"""The intake panel on a client's page for their therapist: what it says, in a fixed number of queries."""

from onboarding.models import Acceptance
from onboarding.panels import intake_record
from onboarding.services import consent_record, document_publish
from tending.testing.personas import TendingTestCase


class IntakeRecordPanelTests(TendingTestCase):
    def render(self):
        return intake_record(self.staff_request(), self.w.client_a)

    def publish(self, kind, body):
        return document_publish(practice=self.w.practice, kind=kind, body=body, staff=self.w.owner)

    def test_it_says_agreed_only_when_the_newest_version_of_every_document_is_accepted(self):
        self.assertIn("Agreement: not yet agreed", self.render())  # nothing published yet
        agreement = self.publish("agreement", "v1")
        privacy = self.publish("privacy", "p1")
        Acceptance.objects.create(client=self.w.client_a, document=agreement)
        self.assertIn("Agreement: not yet agreed", self.render())
        Acceptance.objects.create(client=self.w.client_a, document=privacy)
        self.assertIn("Agreement: agreed", self.render())
        newer = self.publish("agreement", "v2")
        self.assertIn("Agreement: not yet agreed", self.render())
        Acceptance.objects.create(client=self.w.client_a, document=newer)
        self.assertIn("Agreement: agreed", self.render())

    def test_it_shows_each_consent_as_the_clients_latest_choice(self):
        self.assertIn("Email reminders: off. Journal alerts: off.", self.render())
        consent_record(client=self.w.client_a, kind="email_reminders", granted=True)
        consent_record(client=self.w.client_a, kind="journal_risk_alerts", granted=True)
        consent_record(client=self.w.client_a, kind="journal_risk_alerts", granted=False)
        self.assertIn("Email reminders: on. Journal alerts: off.", self.render())

    def test_it_makes_three_queries_however_many_documents_and_choices(self):
        for n in range(3):
            Acceptance.objects.create(client=self.w.client_a, document=self.publish("agreement", f"v{n}"))
            consent_record(client=self.w.client_a, kind="email_reminders", granted=bool(n % 2))
        # intake, documents with their acceptance, consent choices
        with self.assertNumQueries(3):
            self.render()

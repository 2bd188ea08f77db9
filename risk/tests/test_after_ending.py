"""After our work together has ended, no risk alert goes to anyone (issue 21): guarded centrally in
``risk_alert_raise`` and ``risk_check_request``, so no source can forget. A paused client is still cared
for: their alerts go as before."""

import datetime as dt
import uuid

import time_machine
from django.utils import timezone

from journal.services import entry_autosave
from onboarding.services import consent_record
from outbox.models import Email
from practice.care_status import care_status_change
from risk.checks import risk_check_request, risk_checks_for_unsaved, risk_checks_run
from risk.detection import Findings
from risk.models import RiskAlert, RiskCheck
from risk.services import risk_alert_raise
from tending.testing.personas import TendingTestCase

RISKY = "I want to end it all"
# What a saving request's own detection returns for RISKY.
RISK = Findings(risk=True)


class AfterTheEndingTests(TendingTestCase):
    def end(self, client):
        care_status_change(
            client=client, status=client.CareStatus.ENDED, since=self.w.therapist.today(), staff=self.w.therapist
        )
        client.refresh_from_db()

    def pause(self, client):
        care_status_change(
            client=client, status=client.CareStatus.PAUSED, since=self.w.therapist.today(), staff=self.w.therapist
        )
        client.refresh_from_db()

    def test_raising_an_alert_for_a_client_whose_care_has_ended_writes_nothing_and_emails_nobody(self):
        cara = self.w.client_a
        self.end(cara)
        emails_before = Email.objects.count()
        with self.captureOnCommitCallbacks(execute=True):
            self.assertIsNone(risk_alert_raise(client=cara, source="phq9_item9", source_id="x"))
        self.assertFalse(RiskAlert.objects.exists())
        self.assertEqual(Email.objects.count(), emails_before)

    def test_no_check_is_asked_for_after_the_ending(self):
        cara = self.w.client_a
        self.end(cara)
        self.assertIsNone(
            risk_check_request(client=cara, source="journal_words", source_id=uuid.uuid4(), findings=RISK)
        )
        self.assertFalse(RiskCheck.objects.exists())

    def test_a_check_asked_for_before_the_ending_and_run_after_it_raises_nothing(self):
        cara = self.w.client_a
        consent_record(client=cara, kind="journal_risk_alerts", granted=True)
        # Saved while in care, with the worker down; the clock runs the check after care has ended.
        risk_check_request(client=cara, source="journal_words", source_id=uuid.uuid4(), findings=RISK)
        self.end(cara)
        risk_checks_run()
        self.assertTrue(RiskCheck.objects.get().done_at)
        self.assertFalse(RiskAlert.objects.exists())

    def test_a_risky_draft_left_unsaved_after_the_ending_is_never_checked(self):
        cara = self.w.client_a
        consent_record(client=cara, kind="journal_risk_alerts", granted=True)
        self.end(cara)
        with time_machine.travel(timezone.now(), tick=False) as clock:
            entry_autosave(client=cara, body=RISKY, prompt="free")
            clock.shift(dt.timedelta(hours=1))
            self.assertEqual(risk_checks_for_unsaved(), 0)
            risk_checks_run()
        self.assertFalse(RiskCheck.objects.exists())
        self.assertFalse(RiskAlert.objects.exists())

    def test_a_paused_client_still_raises_alerts(self):
        cara = self.w.client_a
        self.pause(cara)
        alert = risk_alert_raise(client=cara, source="phq9_item9", source_id="y")
        self.assertEqual(RiskAlert.objects.get(), alert)
        consent_record(client=cara, kind="journal_risk_alerts", granted=True)
        with self.captureOnCommitCallbacks(execute=True):
            check = risk_check_request(client=cara, source="journal_words", source_id=uuid.uuid4(), findings=RISK)
        self.assertIsNotNone(check)
        self.assertEqual(RiskAlert.objects.count(), 2)

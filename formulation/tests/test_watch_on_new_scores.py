"""New questionnaire scores are looked at straight away, not only by the daily watch."""

from datetime import timedelta

from django.utils import timezone

from formulation.models import Insight
from measures.services import measure_response_record
from tending.testing.personas import TendingTestCase

SCS_MIDDLING = [3] * 12  # SCS-SF: every answer "about half the time"


class WatchOnNewScoresTests(TendingTestCase):
    def record(self, instrument, answers, days_ago):
        with self.captureOnCommitCallbacks(execute=True):
            measure_response_record(
                client=self.w.client_a,
                instrument=instrument,
                answers=answers,
                completed_at=timezone.now() - timedelta(days=days_ago),
            )

    def test_easing_symptoms_with_unchanged_self_compassion_are_noticed_when_the_last_form_arrives(self):
        self.record("scs_sf", SCS_MIDDLING, 90)
        self.record("phq9", [2, 2, 2, 2, 2, 2, 2, 1, 0], 90)  # 15
        self.record("scs_sf", SCS_MIDDLING, 5)
        self.assertFalse(Insight.objects.filter(client=self.w.client_a).exists())
        self.record("phq9", [1, 1, 1, 0, 0, 0, 0, 0, 0], 1)  # 3: a fall of 12
        insight = Insight.objects.get(client=self.w.client_a)
        self.assertEqual(insight.kind, Insight.Kind.COMPASSION_UNCHANGED)
        self.assertEqual(insight.facts["instrument"], "phq9")

    def test_a_form_that_completes_no_pattern_adds_nothing(self):
        self.record("phq9", [2, 2, 2, 2, 2, 2, 2, 1, 0], 90)
        self.record("phq9", [2, 2, 2, 2, 2, 1, 1, 1, 0], 1)
        self.assertFalse(Insight.objects.exists())

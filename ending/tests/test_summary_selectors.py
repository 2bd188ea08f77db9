"""The summary's computed parts: first and latest questionnaire results in plain words, what helped, and
the causes worked on (shared ones only, in the client's wording)."""

from datetime import datetime, time, timedelta

from django.utils import timezone
from django.utils.html import escape

from ending.models import Ending
from ending.selectors import ending_for, score_lines, shared_causes, staff_view, summary_parts
from ending.services import ending_start, ending_withdraw, letter_save, words_save
from formulation.services import cause_add
from measures.services import measure_response_record
from mindfulness.content import builtin
from mindfulness.services import exercise_log_record
from selfcare.services import activity_add, activity_archive
from tending.testing.personas import TendingTestCase

PHQ9_17 = [3, 3, 3, 2, 2, 2, 1, 1, 0]
PHQ9_6 = [1, 1, 1, 1, 1, 1, 0, 0, 0]
SHARED = "A part of you that works hard to keep you safe"
UNSHARED = "A harsh inner critic learned early"


def _at(client, days_ago: int) -> datetime:
    day = timezone.localdate(timezone=client.practice.zone) - timedelta(days=days_ago)
    return datetime.combine(day, time(12), tzinfo=client.practice.zone)


def make_history(w, client=None):
    """Client A's months of care: two PHQ-9s (17 then 6), practices, a self-care plan and two causes."""
    client = client or w.client_a
    measure_response_record(
        client=client, instrument="phq9", answers=PHQ9_17, difficulty="very", completed_at=_at(client, 200)
    )
    measure_response_record(
        client=client, instrument="phq9", answers=PHQ9_6, difficulty="somewhat", completed_at=_at(client, 5)
    )
    breathing, safe_place = builtin("soothing-rhythm-breathing"), builtin("safe-place")
    for _ in range(3):
        exercise_log_record(client=client, exercise=breathing, calm_before=3, calm_after=7)
    exercise_log_record(client=client, exercise=safe_place, calm_before=5, calm_after=4)
    activity_add(client=client, area="body", text="A walk by the river", rhythm="most_days")
    old = activity_add(client=client, area="mind", text="Crosswords on the bus", rhythm="weekly")
    activity_archive(activity=old)
    on = timezone.localdate() - timedelta(days=100)
    cause_add(
        client=client,
        by=w.therapist,
        hypothesis="Fear of letting people down",
        client_wording=SHARED,
        shared_with_client=True,
        on=on,
    )
    cause_add(client=client, by=w.therapist, hypothesis="Early shame", client_wording=UNSHARED, on=on)
    return client


class ScoreLineTests(TendingTestCase):
    def test_first_and_latest_in_plain_words_with_a_chart(self):
        make_history(self.w)
        [line] = score_lines(self.w.client_a)
        first, latest = _at(self.w.client_a, 200).date(), _at(self.w.client_a, 5).date()
        self.assertEqual(
            line.sentence,
            f"PHQ-9 (low mood): 17, moderately severe, on {first.day} {first:%B %Y}"
            f" → 6, mild, on {latest.day} {latest:%B %Y}",
        )
        self.assertEqual(line.count, 2)
        self.assertEqual(line.chart["count"], 2)
        self.assertIn(" ", line.chart["points"])
        self.assertIn(f'<desc id="chart-phq9-desc">{escape(line.sentence)}. 2 results in all.</desc>', line.figure)

    def test_one_result_is_said_once_and_has_no_chart(self):
        measure_response_record(client=self.w.client_a, instrument="gad7", answers=[1] * 7, difficulty="somewhat")
        [line] = score_lines(self.w.client_a)
        self.assertTrue(line.sentence.startswith("GAD-7 (worry and anxiety): 7, mild, on "))
        self.assertTrue(line.sentence.endswith("(answered once)"))
        self.assertEqual(line.chart, {})
        self.assertEqual(line.figure, "")

    def test_no_questionnaires_no_lines(self):
        self.assertEqual(score_lines(self.w.client_b), [])


class PartsTests(TendingTestCase):
    def test_shared_causes_only_in_the_clients_wording(self):
        make_history(self.w)
        self.assertEqual(shared_causes(self.w.client_a), [SHARED])

    def test_the_parts_of_the_summary(self):
        make_history(self.w)
        ending = ending_start(client=self.w.client_a, staff=self.w.therapist)
        ending = letter_save(ending=ending, staff=self.w.therapist, letter="Thank you.")
        parts = summary_parts(ending)
        self.assertEqual(parts["what_helps"], ["Soothing-rhythm breathing"])  # the safe place did not lift calm
        self.assertEqual(
            parts["practices"],
            [{"title": "Soothing-rhythm breathing", "times": 3}, {"title": "A safe place", "times": 1}],
        )
        self.assertEqual([a["text"] for a in parts["selfcare"]], ["A walk by the river"])  # archived left out
        self.assertEqual(parts["causes"], [SHARED])
        self.assertNotIn(UNSHARED, str(parts))
        self.assertEqual(parts["letter"], "Thank you.")
        self.assertEqual(parts["therapist"], self.w.therapist.display_name)


class WhichEndingTests(TendingTestCase):
    def test_preparing_first_then_the_latest_ended_and_never_a_withdrawn_one(self):
        client = self.w.client_a
        self.assertIsNone(ending_for(client))
        withdrawn = ending_start(client=client, staff=self.w.therapist)
        ending_withdraw(ending=withdrawn, staff=self.w.therapist)
        self.assertIsNone(ending_for(client))
        preparing = ending_start(client=client, staff=self.w.therapist)
        self.assertEqual(ending_for(client), preparing)
        self.assertEqual(Ending.objects.for_client(client).open().count(), 1)

    def test_in_one_query_a_preparing_ending_comes_before_any_ended_one_else_the_latest_ended(self):
        client = self.w.client_a
        now = timezone.now()
        older = ending_start(client=client, staff=self.w.therapist)
        Ending.objects.filter(pk=older.pk).update(state=Ending.State.ENDED, ended_at=now - timedelta(days=300))
        newer = ending_start(client=client, staff=self.w.therapist)
        Ending.objects.filter(pk=newer.pk).update(state=Ending.State.ENDED, ended_at=now - timedelta(days=30))
        with self.assertNumQueries(1):
            self.assertEqual(ending_for(client), newer)
        # A preparing ending started before both ended ones still comes first.
        preparing = ending_start(client=client, staff=self.w.therapist)
        Ending.objects.filter(pk=preparing.pk).update(started_at=now - timedelta(days=400))
        with self.assertNumQueries(1):
            self.assertEqual(ending_for(client), preparing)

    def test_the_therapist_sees_the_words_live_while_preparing(self):
        ending = ending_start(client=self.w.client_a, staff=self.w.therapist)
        words_save(ending=ending, words={"now_words": "Steadier"}, choices={"show_scores": True})
        ending.refresh_from_db()
        view = staff_view(ending)
        self.assertEqual(view["words"], [{"heading": "Where I am now", "text": "Steadier"}])
        self.assertTrue(view["choices"]["show_scores"])
        self.assertFalse(view["choices"]["show_letter"])
        self.assertFalse(view["frozen"])

"""Practices after our work together has ended (issue 21): the client keeps the library, the player and
"what helps me"; a practice logged after the ending is marked ``after_ending`` and never reaches the
therapist's panel, "since we last met", or anything else a member of the practice reads."""

from django.test import RequestFactory
from django.urls import reverse

from mindfulness.content import EXERCISES
from mindfulness.models import ExerciseLog
from mindfulness.panels import client_record
from mindfulness.selectors import tried_since
from mindfulness.services import exercise_log_record
from mindfulness.summary import what_helps_rows
from practice.care_status import care_status_change
from tending.testing.personas import TendingTestCase


class PracticesAfterTheEndingTests(TendingTestCase):
    def setUp(self):
        self.cara = self.w.client_a
        self.in_care, self.after = EXERCISES[0], EXERCISES[1]

    def end(self):
        care_status_change(
            client=self.cara, status=self.cara.CareStatus.ENDED, since=self.w.therapist.today(), staff=self.w.therapist
        )
        self.cara.refresh_from_db()

    def therapist_panel(self) -> str:
        request = RequestFactory().get("/")
        request.user, request.staff = self.w.therapist.user, self.w.therapist
        return client_record(request, self.cara)

    def test_a_practice_after_the_ending_never_reaches_the_therapist(self):
        before = exercise_log_record(client=self.cara, exercise=self.in_care)
        self.end()
        after = exercise_log_record(client=self.cara, exercise=self.after, calm_before=3, calm_after=7)
        self.assertEqual((before.after_ending, after.after_ending), (False, True))
        self.assertEqual([row["title"] for row in tried_since(self.cara)], [self.in_care.title])
        panel = self.therapist_panel()
        self.assertIn(self.in_care.title, panel)
        self.assertNotIn(self.after.title, panel)
        # The client keeps all of theirs in "what helps me".
        rows, _last = what_helps_rows(self.cara)
        self.assertEqual({row.title for row in rows}, {self.in_care.title, self.after.title})

    def test_saving_a_practice_after_the_ending_says_nobody_at_the_practice_will_see_it(self):
        self.end()
        http = self.as_("client_a")
        url = reverse("mindfulness:after", kwargs={"slug": self.after.slug})
        page = http.get(url)
        self.assertContains(page, "nobody at the practice will see this")
        self.assertNotContains(page, "sees that you did this practice")
        http.post(url, {"length": "short", "calm_before": "2", "calm_after": "6"})
        self.assertTrue(ExerciseLog.objects.get().after_ending)
        helps = http.get(reverse("mindfulness:what_helps"))
        self.assertContains(helps, "nobody at the practice sees the practices you do now")

    def test_a_paused_clients_practices_still_reach_the_therapist(self):
        care_status_change(
            client=self.cara, status=self.cara.CareStatus.PAUSED, since=self.w.therapist.today(), staff=self.w.therapist
        )
        self.cara.refresh_from_db()
        log = exercise_log_record(client=self.cara, exercise=self.in_care)
        self.assertFalse(log.after_ending)
        self.assertIn(self.in_care.title, self.therapist_panel())

"""The demo shows an ending: Fran Hughes, Ben's client, whose care ended three weeks ago (ending/demo.py)."""

from io import StringIO

from django.core.management import call_command
from django.test import TestCase
from django.urls import reverse

from ending.models import Ending
from measures.models import MeasureResponse
from mindfulness.models import ExerciseLog
from practice.models import Client


class EndedClientDemoTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        out = StringIO()
        call_command("seed_demo", stdout=out)
        call_command("seed_demo", stdout=StringIO())  # a second run adds nothing
        cls.printed = out.getvalue()
        cls.fran = Client.objects.select_related("therapist__user", "user").get(user__email="fran@demo.tending.test")

    def test_fran_is_bens_client_whose_care_has_ended_with_a_summary_a_letter_and_follow_ups(self):
        self.assertTrue(self.fran.care_has_ended)
        self.assertEqual(self.fran.therapist.user.email, "ben@demo.tending.test")
        ending = Ending.objects.get(client=self.fran)
        self.assertEqual(ending.state, Ending.State.ENDED)
        self.assertEqual(ending.ended_on, self.fran.care_status_since)
        self.assertIn("swimming", ending.now_words)
        self.assertTrue(ending.letter.startswith("Dear Fran"))
        self.assertEqual(ending.staff_copy["now_words"], ending.now_words)
        self.assertTrue(ending.follow_up)
        self.assertEqual(sorted(ending.follow_ups.values_list("months", flat=True)), [3, 6])
        # Where she started and where she is now: questionnaires before the ending, none after it.
        answered = MeasureResponse.objects.filter(client=self.fran).order_by("completed_at")
        self.assertGreater(answered.count(), 10)
        self.assertGreater(
            answered.filter(instrument="phq9").first().total, answered.filter(instrument="phq9").last().total
        )
        self.assertLess(answered.last().completed_at.date(), ending.ended_on)
        self.assertFalse(answered.filter(risk_flag=True).exists())
        # The practices she returned to, and two since the ending: she carries on.
        practised = ExerciseLog.objects.filter(client=self.fran)
        self.assertEqual(practised.count(), 12)
        self.assertEqual(practised.filter(practised_at__date__gt=ending.ended_on).count(), 2)

    def test_her_login_is_printed_with_the_others(self):
        self.assertIn("fran@demo.tending.test", self.printed)

    def test_she_keeps_her_space_and_reads_her_ending(self):
        self.client.force_login(self.fran.user, backend="accounts.backends.ModelBackend")
        for name in ("practice:client_home", "ending:mine", "journal:list", "mindfulness:library", "dataprivacy:mine"):
            with self.subTest(page=name):
                self.assertEqual(self.client.get(reverse(name)).status_code, 200)
        self.assertContains(self.client.get(reverse("ending:mine")), "swimming")
        self.assertContains(self.client.get(reverse("dataprivacy:mine")), "Your space is kept until")

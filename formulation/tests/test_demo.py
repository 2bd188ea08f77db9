from io import StringIO

from django.core.management import call_command
from django.test import TestCase
from django.urls import reverse

from accounts.models import User
from formulation.models import Cause, Insight, Symptom
from notes.models import SessionNote


class DemoTests(TestCase):
    def test_the_demo_has_caras_symptom_shift_waiting_on_anas_caseload_and_signed_notes(self):
        call_command("seed_demo", stdout=StringIO())
        call_command("seed_demo", stdout=StringIO())  # a second run adds nothing
        insight = Insight.objects.get()
        self.assertEqual(
            (insight.eased_symptom.name, insight.appeared_symptom.name, insight.cause.hypothesis),
            ("Panic attacks", "Waking at 4am", "A harsh inner critic"),
        )
        self.assertEqual(Symptom.objects.count(), 4)
        self.assertEqual(Cause.objects.count(), 2)
        notes = SessionNote.objects.filter(client=insight.client)
        self.assertGreaterEqual(notes.count(), 1)
        self.assertEqual(notes.count(), notes.signed().count())

        http = self.client
        http.force_login(User.objects.get(email="ana@demo.tending.test"))
        home = http.get(reverse("practice:home"), follow=True)
        self.assertContains(home, "A possible symptom shift for Cara")
        self.assertContains(home, "Panic attacks resolved on")

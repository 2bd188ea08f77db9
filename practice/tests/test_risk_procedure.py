"""The practice's own risk procedure: written by an owner in settings, shown on every alert."""

from django.urls import reverse

from audit.models import AuditEvent
from tending.testing.personas import TendingTestCase

PROCEDURE = "Ring the client first.\nIf there is no answer, ring Olive on 07700 900999."


def settings_form(**changes):
    return {
        "name": "Willow Tree Therapy",
        "description": "",
        "contact_email": "",
        "time_zone": "Europe/London",
        "country": "GB",
        "extra_crisis_line": "",
        "extra_crisis_number": "",
        "risk_procedure": "",
        **changes,
    }


class RiskProcedureTests(TendingTestCase):
    def test_the_owner_writes_the_procedure_and_the_change_is_audited_without_its_words(self):
        page = self.as_("owner").get(reverse("practice:settings"))
        self.assertContains(page, "Your risk procedure")
        self.assertContains(page, "if life is at risk, call 999.")
        response = self.as_("owner").post(reverse("practice:settings"), settings_form(risk_procedure=PROCEDURE))
        self.assertRedirects(response, reverse("practice:owner_home"))
        self.w.practice.refresh_from_db()
        self.assertEqual(self.w.practice.risk_procedure, PROCEDURE)
        self.assertEqual(self.w.practice.risk_procedure_or_default, self.w.practice.risk_procedure)
        event = AuditEvent.objects.filter(object_type="practice.practice").latest("id")
        self.assertIn("risk_procedure", event.detail["fields"])
        self.assertNotIn("Ring the client", str(event.detail))

    def test_an_empty_procedure_means_the_default_with_the_countrys_emergency_number(self):
        self.assertIn("call 999.", self.w.practice.risk_procedure_or_default)
        self.w.practice.country = "US"
        self.assertIn("call 911.", self.w.practice.risk_procedure_or_default)
        self.w.practice.risk_procedure = "   "
        self.assertIn("call 911.", self.w.practice.risk_procedure_or_default)

    def test_a_procedure_that_is_too_long_is_explained_and_kept(self):
        page = self.as_("owner").post(reverse("practice:settings"), settings_form(risk_procedure="x" * 5001))
        self.assertEqual(page.status_code, 200)
        self.assertIn("risk_procedure", page.context["form"].errors)
        self.w.practice.refresh_from_db()
        self.assertEqual(self.w.practice.risk_procedure, "")

    def test_only_an_owner_may_change_it(self):
        for persona in ("therapist", "colleague", "client_a", "outsider"):
            with self.subTest(persona=persona):
                http = self.as_(persona)
                response = http.post(reverse("practice:settings"), settings_form(risk_procedure="Do nothing"))
                # Like the rest of the owner's settings: a non-owner learns nothing (404); Zed changes only Oak.
                if persona == "outsider":
                    self.assertEqual(response.status_code, 302)
                else:
                    self.assertEqual(response.status_code, 404)
                self.w.practice.refresh_from_db()
                self.assertEqual(self.w.practice.risk_procedure, "")

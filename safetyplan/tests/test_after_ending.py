"""The safety plan after our work together has ended (issue 21): still the client's to change, the page
says it is theirs to keep, and nobody at the practice is emailed or alerted when they change it."""

from django.urls import reverse

from outbox.models import Email
from practice.care_status import care_status_change
from risk.models import RiskAlert
from safetyplan.models import SafetyPlanVersion
from tending.testing.personas import TendingTestCase


class SafetyPlanAfterTheEndingTests(TendingTestCase):
    def test_the_client_keeps_and_changes_their_plan_and_nobody_at_the_practice_is_told(self):
        cara = self.w.client_a
        care_status_change(
            client=cara, status=cara.CareStatus.ENDED, since=self.w.therapist.today(), staff=self.w.therapist
        )
        http = self.as_("client_a")
        emails = Email.objects.count()
        with self.captureOnCommitCallbacks(execute=True):
            response = http.post(
                reverse("safetyplan:edit"), {"warning_signs": "Not sleeping", "reasons_for_living": "The sea"}
            )
        self.assertRedirects(response, reverse("safetyplan:mine"))
        self.assertEqual(SafetyPlanVersion.objects.get().warning_signs, "Not sleeping")
        self.assertEqual(Email.objects.count(), emails)
        self.assertFalse(RiskAlert.objects.exists())
        page = http.get(reverse("safetyplan:mine"))
        self.assertContains(page, "this plan is yours to keep")
        self.assertContains(page, "nobody at the practice is told when you do")

    def test_a_client_in_care_is_not_told_their_care_has_ended(self):
        self.assertNotContains(self.as_("client_a").get(reverse("safetyplan:mine")), "yours to keep")

    def test_the_former_therapist_reads_the_plan_as_it_stood_at_the_ending_and_writes_none(self):
        cara = self.w.client_a
        http = self.as_("client_a")
        http.post(reverse("safetyplan:edit"), {"warning_signs": "Before the ending", "reasons_for_living": "The sea"})
        care_status_change(
            client=cara, status=cara.CareStatus.ENDED, since=self.w.therapist.today(), staff=self.w.therapist
        )
        http.post(reverse("safetyplan:edit"), {"warning_signs": "After the ending", "reasons_for_living": "The sea"})
        ana = self.as_("therapist")
        page = ana.get(reverse("safetyplan:client_plan", kwargs={"client_uuid": cara.uuid}))
        self.assertContains(page, "Before the ending")
        self.assertNotContains(page, "After the ending")
        self.assertContains(page, "this is their plan as it stood then")
        self.assertNotContains(page, reverse("safetyplan:client_edit", kwargs={"client_uuid": cara.uuid}))
        refused = ana.post(
            reverse("safetyplan:client_edit", kwargs={"client_uuid": cara.uuid}), {"warning_signs": "From Ana"}
        )
        self.assertEqual(refused.status_code, 404)
        self.assertEqual(SafetyPlanVersion.objects.count(), 2)

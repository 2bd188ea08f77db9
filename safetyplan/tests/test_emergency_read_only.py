"""Emergency access reads a safety plan and never writes a version of it."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from practice.models import EmergencyAccess
from safetyplan.models import SafetyPlanVersion
from safetyplan.services import safety_plan_save
from tending.testing.personas import TendingTestCase


class EmergencyReaderTests(TendingTestCase):
    def setUp(self):
        safety_plan_save(
            client=self.w.client_a, content={"warning_signs": "Not sleeping"}, written_by=self.w.client_a.user
        )
        EmergencyAccess.objects.create(
            owner=self.w.owner,
            client=self.w.client_a,
            reason="A risk alert came in and Ana cannot be reached",
            expires_at=timezone.now() + timedelta(hours=1),
        )
        self.cara = {"client_uuid": self.w.client_a.uuid}

    def test_the_owner_reads_the_plan_with_nothing_to_change_and_cannot_save_a_version(self):
        olive = self.as_("owner")
        page = olive.get(reverse("safetyplan:client_plan", kwargs=self.cara))
        self.assertContains(page, "Not sleeping")
        self.assertNotContains(page, "Change the plan together")
        edit = reverse("safetyplan:client_edit", kwargs=self.cara)
        self.assertEqual(olive.get(edit).status_code, 404)
        self.assertEqual(olive.post(edit, {"warning_signs": "Written by the owner"}).status_code, 404)
        self.assertEqual(SafetyPlanVersion.objects.filter(plan__client=self.w.client_a).count(), 1)

from datetime import timedelta

import time_machine
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from practice.access import get_client_for_clinician
from practice.models import EmergencyAccess
from tending.testing.factories import ClientFactory, StaffFactory, UserFactory
from tending.testing.personas import TendingTestCase


class ClinicalAccessTests(TendingTestCase):
    def detail(self, client):
        return reverse("practice:client_detail", kwargs={"client_uuid": client.uuid})

    def test_a_therapist_sees_only_their_own_clients(self):
        page = self.as_("therapist").get(reverse("caseload:clients"))
        self.assertContains(page, "Cara Client")
        self.assertContains(page, "Dev Client")
        self.assertNotContains(page, "Eli Client")
        self.assertEqual(self.as_("therapist").get(self.detail(self.w.client_c)).status_code, 404)

    def test_another_practice_learns_nothing_even_with_the_uuid(self):
        self.assertEqual(self.as_("outsider").get(self.detail(self.w.client_a)).status_code, 404)
        page = self.as_("outsider").get(reverse("practice:owner_home"))
        self.assertNotContains(page, "Cara")
        self.assertNotContains(page, "Willow")

    def test_the_owner_manages_people_without_reading_clinical_records(self):
        self.assertContains(self.as_("owner").get(reverse("practice:owner_home")), "Cara Client")
        self.assertEqual(self.as_("owner").get(self.detail(self.w.client_a)).status_code, 404)

    def test_emergency_access_needs_a_reason_and_is_audited(self):
        url = reverse("practice:emergency_access", kwargs={"client_uuid": self.w.client_a.uuid})
        page = self.as_("owner").post(url, {"reason": "why"})
        self.assertContains(page, "say a little more")
        self.assertFalse(EmergencyAccess.objects.exists())
        response = self.as_("owner").post(url, {"reason": "Risk alert while Ana is on leave"})
        self.assertRedirects(response, self.detail(self.w.client_a))
        event = AuditEvent.objects.get(action=AuditEvent.Action.EMERGENCY_ACCESS)
        self.assertEqual(event.client_id, self.w.client_a.uuid)
        self.assertNotIn("Ana is on leave", str(event.detail))
        self.assertEqual(self.as_("owner").get(self.detail(self.w.client_a)).status_code, 200)

    def test_emergency_access_ends_after_an_hour(self):
        self.as_("owner").post(
            reverse("practice:emergency_access", kwargs={"client_uuid": self.w.client_a.uuid}),
            {"reason": "Risk alert while Ana is on leave"},
        )
        with time_machine.travel(timezone.now() + timedelta(minutes=61)):
            self.assertEqual(self.as_("owner").get(self.detail(self.w.client_a)).status_code, 404)

    def test_emergency_access_to_one_client_opens_no_other(self):
        self.as_("owner").post(
            reverse("practice:emergency_access", kwargs={"client_uuid": self.w.client_a.uuid}),
            {"reason": "Risk alert while Ana is on leave"},
        )
        self.assertEqual(self.as_("owner").get(self.detail(self.w.client_b)).status_code, 404)

    def test_a_solo_practitioner_is_owner_and_therapist_at_once(self):
        solo = StaffFactory(is_owner=True, is_therapist=True, user=UserFactory(email="solo@example.test"))
        client = ClientFactory(therapist=solo)
        http = self.client
        http.force_login(solo.user)
        self.assertEqual(http.get(reverse("practice:owner_home")).status_code, 200)
        self.assertEqual(http.get(reverse("caseload:home")).status_code, 200)
        self.assertEqual(http.get(self.detail(client)).status_code, 200)
        self.assertEqual(get_client_for_clinician(solo.user, client.uuid), client)

    def test_a_malformed_uuid_is_a_plain_404(self):
        self.assertEqual(self.as_("therapist").get("/therapist/clients/not-a-uuid/").status_code, 404)


class PracticeSettingsTests(TendingTestCase):
    def test_the_owner_changes_the_country_and_the_crisis_date_is_recorded(self):
        form = {
            "name": "Willow Tree",
            "description": "Gentle",
            "contact_email": "",
            "time_zone": "Europe/Dublin",
            "country": "IE",
            "extra_crisis_line": "",
            "extra_crisis_number": "",
        }
        response = self.as_("owner").post(reverse("practice:settings"), form)
        self.assertRedirects(response, reverse("practice:owner_home"))
        self.w.practice.refresh_from_db()
        self.assertEqual((self.w.practice.country, self.w.practice.time_zone), ("IE", "Europe/Dublin"))
        self.assertEqual(self.w.practice.crisis_contacts_confirmed_on, timezone.localdate())

    def test_bad_settings_are_explained_and_nothing_is_lost(self):
        form = {
            "name": "",
            "description": "x" * 5000,
            "time_zone": "Mars/Olympus",
            "country": "ZZ",
            "extra_crisis_number": "call me <maybe>",
        }
        page = self.as_("owner").post(reverse("practice:settings"), form)
        self.assertEqual(page.status_code, 200)
        for field in ("name", "description", "time_zone", "country", "extra_crisis_number"):
            self.assertIn(field, page.context["form"].errors)
        self.assertContains(page, "call me &lt;maybe&gt;")
        self.w.practice.refresh_from_db()
        self.assertEqual(self.w.practice.name, "Willow Tree Therapy")


class ProfileTests(TendingTestCase):
    def test_a_therapist_writes_the_bio_visitors_read(self):
        response = self.as_("therapist").post(
            reverse("practice:profile"), {"name": "Ana M.", "bio": "I work gently with anxiety."}
        )
        self.assertRedirects(response, reverse("practice:profile"))
        self.w.therapist.refresh_from_db()
        self.assertEqual((self.w.therapist.user.name, self.w.therapist.bio), ("Ana M.", "I work gently with anxiety."))
        self.assertTrue(AuditEvent.objects.filter(object_id=self.w.therapist.uuid, action="update").exists())
        event = AuditEvent.objects.filter(object_id=self.w.therapist.uuid, action="update").latest("id")
        # The fields changed are named; the words themselves never enter the log.
        self.assertEqual((event.object_type, event.detail), ("practice.staffmember", {"fields": ["bio", "name"]}))
        self.assertEqual(event.actor_id, self.w.therapist.user.uuid)

    def test_a_missing_name_is_explained_and_the_bio_kept(self):
        page = self.as_("therapist").post(reverse("practice:profile"), {"name": "", "bio": "Kept words"})
        self.assertContains(page, "This field is required")
        self.assertContains(page, "Kept words")

"""Emergency access that is honest: the client's therapist is told at once, and the reason stays sealed."""

import json

from django.urls import reverse

from audit.models import AuditEvent
from outbox.models import Email
from practice.forms import PracticeSettingsForm
from practice.models import StaffMember
from practice.services import emergency_access_grant
from tending.testing.factories import StaffFactory, UserFactory
from tending.testing.personas import TendingTestCase

REASON = "Risk alert about overdose plans while Ana is on leave"


class EmergencyNoticeTests(TendingTestCase):
    def grant(self):
        return emergency_access_grant(owner=self.w.owner, client=self.w.client_a, reason=REASON)

    def test_the_reason_is_never_in_an_audit_row_nor_in_the_email(self):
        grant = self.grant()
        self.as_("therapist").get(reverse("practice:emergency_access_notice", kwargs={"grant_uuid": grant.uuid}))
        for event in AuditEvent.objects.all():
            self.assertNotIn("overdose", json.dumps(event.detail))
        emails = list(Email.objects.about("practice.emergencyaccess", grant.uuid))
        self.assertEqual([e.to for e in emails], ["ana@willow.test"])
        self.assertNotIn("overdose", emails[0].body + emails[0].subject + emails[0].extra)

    def test_the_email_names_who_and_when_and_links_to_the_notice(self):
        grant = self.grant()
        email = Email.objects.about("practice.emergencyaccess", grant.uuid).get()
        self.assertIn("Olive Owner opened Cara", email.body.replace("\u2019", "'"))
        self.assertIn(reverse("practice:emergency_access_notice", kwargs={"grant_uuid": grant.uuid}), email.body)

    def test_the_therapist_sees_the_notice_on_their_home_until_they_mark_it_read(self):
        grant = self.grant()
        ana = self.as_("therapist")
        home = ana.get(reverse("caseload:home"))
        self.assertContains(home, "opened Cara")
        notice_url = reverse("practice:emergency_access_notice", kwargs={"grant_uuid": grant.uuid})
        self.assertContains(home, notice_url)
        page = ana.get(notice_url)
        self.assertContains(page, REASON)
        self.assertContains(page, "Olive Owner")
        ana.post(reverse("practice:emergency_access_notice_read", kwargs={"grant_uuid": grant.uuid}))
        self.assertNotContains(ana.get(reverse("caseload:home")), "opened Cara")
        self.assertTrue(
            AuditEvent.objects.filter(
                action=AuditEvent.Action.ACKNOWLEDGE, object_id=str(grant.uuid), actor_id=self.w.therapist.user.uuid
            ).exists()
        )

    def test_the_notice_is_hidden_from_everyone_but_the_clients_therapist_and_the_owners(self):
        grant = self.grant()
        url = reverse("practice:emergency_access_notice", kwargs={"grant_uuid": grant.uuid})
        for persona in ("colleague", "outsider", "client_a", "client_b"):
            with self.subTest(persona=persona):
                self.assertEqual(self.as_(persona).get(url).status_code, 404)
                self.assertEqual(
                    self.as_(persona)
                    .post(reverse("practice:emergency_access_notice_read", kwargs={"grant_uuid": grant.uuid}))
                    .status_code,
                    404,
                )
        self.assertEqual(self.as_("owner").get(url).status_code, 200)

    def test_the_owner_is_told_who_has_been_told(self):
        url = reverse("practice:emergency_access", kwargs={"client_uuid": self.w.client_a.uuid})
        response = self.as_("owner").post(url, {"reason": REASON}, follow=True)
        self.assertContains(response, "Ana Therapist has been told.")

    def test_a_colleague_is_not_told_of_another_therapists_client(self):
        self.grant()
        self.assertNotContains(self.as_("colleague").get(reverse("caseload:home")), "opened Cara")

    def test_without_an_active_therapist_the_other_owners_are_told(self):
        StaffMember.objects.filter(pk=self.w.therapist.pk).update(is_active=False)
        second = StaffFactory(
            practice=self.w.practice,
            is_owner=True,
            is_therapist=False,
            user=UserFactory(email="opal@willow.test", name="Opal Owner"),
        )
        self.w.client_a.refresh_from_db()
        grant = self.grant()
        emails = list(Email.objects.about("practice.emergencyaccess", grant.uuid))
        self.assertEqual([e.to for e in emails], ["opal@willow.test"])
        self.assertNotIn("overdose", emails[0].body)
        opal = self.as_("owner")
        opal.force_login(second.user, backend="accounts.backends.ModelBackend")
        self.assertContains(opal.get(reverse("practice:owner_home")), "opened Cara")
        # The owner who opened the record is not told of their own access.
        self.assertNotContains(self.as_("owner").get(reverse("practice:owner_home")), "opened Cara")


class RecordOpeningsSettingTests(TendingTestCase):
    def test_the_owner_can_leave_therapist_reads_off_the_clients_list(self):
        practice = self.w.practice
        form = PracticeSettingsForm(instance=practice)
        data = {name: value for name, value in form.initial.items() if name in form.fields and value is not None}
        data.pop("record_openings_show_therapist")  # an unticked box is left out of the POST
        olive = self.as_("owner")
        self.assertContains(olive.get(reverse("practice:settings")), "Show clients the days their therapist read")
        response = olive.post(reverse("practice:settings"), data)
        self.assertRedirects(response, reverse("practice:owner_home"))
        practice.refresh_from_db()
        self.assertFalse(practice.record_openings_show_therapist)
        event = AuditEvent.objects.filter(object_type="practice.practice").latest("id")
        self.assertEqual(event.detail["fields"], ["record_openings_show_therapist"])

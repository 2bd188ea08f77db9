"""The owner's "getting ready" list: each step links to where it is done and leaves once done."""

from datetime import time

from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from bookings.models import Availability, WorkingHours
from money.models import Fee
from practice.checklist import owner_steps
from tending.testing.factories import PracticeFactory, StaffFactory, UserFactory


class ChecklistTests(TestCase):
    def setUp(self):
        self.practice = PracticeFactory(name="Calm Waters", slug="calm", description="", contact_email="")
        self.owner = StaffFactory(
            practice=self.practice, is_owner=True, is_therapist=False, user=UserFactory(email="rosa@calm.test")
        )
        self.client.force_login(self.owner.user, backend="accounts.backends.ModelBackend")

    def home(self):
        return self.client.get(reverse("practice:owner_home"))

    def titles_left(self):
        return [step.title for step in owner_steps(self.owner) if not step.done]

    def test_a_new_practice_lists_every_step_with_a_link_to_where_it_is_done(self):
        page = self.home()
        self.assertContains(page, "Getting Calm Waters ready")
        self.assertContains(page, "0 of 5 done")
        for title, url in [
            ("Describe your practice", reverse("practice:settings")),
            ("Confirm the crisis contacts", reverse("practice:crisis_confirm")),
            ("Invite your therapists", reverse("accounts:invite_therapist")),
            ("Open your public page", reverse("bookings:practice", kwargs={"slug": "calm"})),
            ("Set your fees", reverse("money:fees")),
        ]:
            self.assertContains(page, f'<a href="{url}">{title}</a>', html=True)

    def test_each_step_leaves_the_list_when_done_and_then_the_list_goes(self):
        self.practice.description = "Gentle, unhurried therapy."
        self.practice.contact_email = "hello@calm.test"
        self.practice.save()
        self.assertNotIn("Describe your practice", self.titles_left())

        self.client.post(reverse("practice:crisis_confirm"))
        self.practice.refresh_from_db()
        self.assertEqual(self.practice.crisis_contacts_confirmed_on, timezone.localdate(timezone=self.practice.zone))
        self.assertNotIn("Confirm the crisis contacts", self.titles_left())

        ana = StaffFactory(practice=self.practice, user=UserFactory(email="ana@calm.test"))
        self.assertNotIn("Invite your therapists", self.titles_left())
        self.assertIn("Open your public page", self.titles_left())

        WorkingHours.objects.create(therapist=ana, weekday=0, start_time=time(9), end_time=time(12))
        self.assertNotIn("Open your public page", self.titles_left())

        Fee.objects.create(practice=self.practice, amount=7000, valid_from=timezone.localdate())
        self.assertEqual(self.titles_left(), [])
        page = self.home()
        self.assertNotContains(page, "Getting Calm Waters ready")

    def test_a_therapist_who_takes_no_consultations_does_not_open_the_public_page(self):
        ana = StaffFactory(practice=self.practice, user=UserFactory(email="ana@calm.test"))
        WorkingHours.objects.create(therapist=ana, weekday=0, start_time=time(9), end_time=time(12))
        Availability.objects.create(therapist=ana, offers_consultation=False)
        self.assertIn("Open your public page", self.titles_left())

    def test_an_owner_who_sees_clients_has_no_one_to_invite_and_sets_her_own_hours(self):
        self.owner.is_therapist = True
        self.owner.save()
        steps = {step.title: step for step in owner_steps(self.owner)}
        self.assertTrue(steps["Invite your therapists"].done)
        self.assertEqual(steps["Open your public page"].url, reverse("bookings:availability"))

    def test_an_owner_who_sees_clients_is_led_to_the_list_from_her_caseload(self):
        self.owner.is_therapist = True
        self.owner.save()
        page = self.client.get(reverse("caseload:home"))
        self.assertContains(page, "Getting Calm Waters ready: 4 of 5 steps to go")

    def test_a_therapist_who_is_not_an_owner_sees_no_list(self):
        ana = StaffFactory(practice=self.practice, user=UserFactory(email="ana@calm.test"))
        self.client.force_login(ana.user, backend="accounts.backends.ModelBackend")
        self.assertNotContains(self.client.get(reverse("caseload:home")), "Getting Calm Waters ready")

    def test_the_crisis_page_shows_the_owner_the_numbers_clients_see(self):
        page = self.client.get(reverse("practice:crisis_confirm"))
        self.assertContains(page, "999")
        self.assertContains(page, "These are right for our clients")

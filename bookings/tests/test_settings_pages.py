"""Therapists set their availability; owners set the practice's booking rules. Bad input is explained kindly."""

import pytest
from django.urls import reverse

from bookings.models import BookingSettings, WorkingHours
from practice.models import Practice
from tending.testing.factories import PracticeFactory, StaffFactory, UserFactory
from tending.testing.personas import TendingTestCase


class AvailabilityPageTests(TendingTestCase):
    """The weekly grid and days off are tested in test_availability_grid.py; here, the page opens for its
    therapist with the hours of theirs and no one else's."""

    def test_a_therapist_sees_their_own_hours_only(self):
        WorkingHours.objects.create(therapist=self.w.therapist, weekday=0, start_time="09:00", end_time="12:00")
        WorkingHours.objects.create(therapist=self.w.colleague, weekday=0, start_time="14:00", end_time="15:00")
        response = self.as_("therapist").get(reverse("bookings:availability"))
        self.assertContains(response, "09:00 to 12:00")
        self.assertNotContains(response, "14:00 to 15:00")


class PracticeRulesTests(TendingTestCase):
    def test_the_owner_edits_the_approach_shown_on_the_public_page(self):
        data = {
            "approach": "We meet you where you are.",
            "consultations_per_email": "1",
            "notice_hours": "24",
            "reminder_hours": "48",
            "video_url_template": "https://meet.jit.si/willow-{token}",
            "other_help": "",
        }
        self.as_("owner").post(reverse("bookings:practice_rules"), data)
        rules = BookingSettings.objects.get(practice=self.w.practice)
        self.assertEqual(rules.reminder_hours, 48)
        page = self.client.get(reverse("bookings:practice", kwargs={"slug": "willow"}))
        self.assertContains(page, "We meet you where you are.")
        self.assertEqual(rules.video_url("abc"), "https://meet.jit.si/willow-abc")

    def test_a_video_link_without_a_token_or_https_is_refused(self):
        response = self.as_("owner").post(
            reverse("bookings:practice_rules"),
            {
                "video_url_template": "http://example.test/room",
                "consultations_per_email": "1",
                "notice_hours": "24",
                "reminder_hours": "24",
            },
        )
        self.assertContains(response, "containing {token}", status_code=400)
        self.assertContains(response, 'value="http://example.test/room"', status_code=400)


@pytest.mark.django_db
def test_with_one_practice_the_root_is_its_public_page(client):
    PracticeFactory(name="Solo Practice", slug="solo")
    StaffFactory(practice=Practice.objects.get(slug="solo"), user=UserFactory(name="Sol Therapist"))
    response = client.get(reverse("root"))
    assert response.status_code == 200
    assert b"<h1>Solo Practice</h1>" in response.content
    assert b"Sol Therapist" in response.content

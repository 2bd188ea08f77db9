"""Therapists set their availability; owners set the practice's booking rules. Bad input is explained kindly."""

import pytest
from django.urls import reverse

from bookings.models import Availability, BookingSettings, DayOff, WorkingHours
from practice.models import Practice
from tending.testing.factories import PracticeFactory, StaffFactory, UserFactory
from tending.testing.personas import TendingTestCase


def hours_form(**rows):
    data = {
        "rules-accepts_bookings": "on",
        "rules-offers_consultation": "on",
        "rules-consultation_minutes": "20",
        "rules-offers_session": "on",
        "rules-session_minutes": "50",
        "rules-offers_in_person": "on",
        "rules-offers_online": "on",
        "rules-buffer_minutes": "10",
        "rules-minimum_notice_hours": "24",
        "rules-horizon_days": "42",
        "hours-TOTAL_FORMS": "2",
        "hours-INITIAL_FORMS": "0",
        "hours-MIN_NUM_FORMS": "0",
        "hours-MAX_NUM_FORMS": "1000",
    }
    data.update(rows)
    return data


class AvailabilityPageTests(TendingTestCase):
    def test_a_therapist_sets_several_ranges_on_one_day(self):
        response = self.as_("therapist").post(
            reverse("bookings:availability"),
            hours_form(
                **{
                    "hours-0-weekday": "0",
                    "hours-0-start_time": "09:00",
                    "hours-0-end_time": "12:00",
                    "hours-1-weekday": "0",
                    "hours-1-start_time": "13:00",
                    "hours-1-end_time": "17:00",
                    "rules-buffer_minutes": "15",
                }
            ),
        )
        self.assertRedirects(response, reverse("bookings:availability"))
        ranges = list(WorkingHours.objects.filter(therapist=self.w.therapist).values_list("start_time", "end_time"))
        self.assertEqual([(a.hour, b.hour) for a, b in ranges], [(9, 12), (13, 17)])
        self.assertEqual(Availability.objects.get(therapist=self.w.therapist).buffer_minutes, 15)
        self.assertFalse(WorkingHours.objects.filter(therapist=self.w.colleague).exists())

    def test_an_end_before_the_start_is_explained_and_the_values_kept(self):
        response = self.as_("therapist").post(
            reverse("bookings:availability"),
            hours_form(**{"hours-0-weekday": "2", "hours-0-start_time": "15:00", "hours-0-end_time": "09:00"}),
        )
        self.assertContains(response, "Please choose an end time after the start time", status_code=400)
        self.assertContains(response, 'value="15:00"', status_code=400)
        self.assertFalse(WorkingHours.objects.exists())

    def test_out_of_range_lengths_are_refused_kindly(self):
        response = self.as_("therapist").post(
            reverse("bookings:availability"), hours_form(**{"rules-session_minutes": "5000"})
        )
        self.assertContains(response, "Please choose between 20 and 180", status_code=400)

    def test_days_off_are_added_and_removed(self):
        http = self.as_("therapist")
        http.post(reverse("bookings:days_off"), {"date": "2031-08-01", "note": "Holiday"})
        day = DayOff.objects.get(therapist=self.w.therapist)
        # A colleague cannot remove it.
        self.as_("colleague").post(reverse("bookings:days_off"), {"remove": str(day.pk)})
        self.assertTrue(DayOff.objects.filter(pk=day.pk).exists())
        http.post(reverse("bookings:days_off"), {"remove": str(day.pk)})
        self.assertFalse(DayOff.objects.filter(pk=day.pk).exists())


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

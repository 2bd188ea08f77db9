"""The weekly grid of working hours and days off: added and removed in place, refused kindly, honest about
when clients can book."""

from datetime import time, timedelta

from django.urls import reverse
from django.utils import timezone

from bookings.models import Availability, DayOff, Kind, WorkingHours
from bookings.slots import free_slots
from tending.testing.personas import TendingTestCase

HTMX = {"HTTP_HX_REQUEST": "true"}


def add(http, weekday, start, end, **extra):
    return http.post(
        reverse("bookings:hours_add", kwargs={"weekday": weekday}),
        {f"day{weekday}-start_time": start, f"day{weekday}-end_time": end},
        **extra,
    )


class WeeklyGridTests(TendingTestCase):
    def ranges(self, therapist=None):
        rows = WorkingHours.objects.filter(therapist=therapist or self.w.therapist)
        return [(h.weekday, f"{h.start_time:%H:%M}", f"{h.end_time:%H:%M}") for h in rows]

    def test_the_page_shows_seven_days_each_with_its_own_add_form(self):
        WorkingHours.objects.create(therapist=self.w.therapist, weekday=0, start_time="09:00", end_time="12:30")
        response = self.as_("therapist").get(reverse("bookings:availability"))
        self.assertContains(response, "<h3", count=7)
        for name in ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"):
            self.assertContains(response, f'Add hours<span class="visually-hidden"> on {name}</span>')
        self.assertContains(response, "09:00 to 12:30")
        self.assertContains(response, 'Remove<span class="visually-hidden"> Monday 09:00 to 12:30</span>')
        # No formset: the page is a handful of small forms, not one long one.
        self.assertNotContains(response, "TOTAL_FORMS")
        self.assertContains(response, "Clients can book these times now, from 24 hours ahead up to 42 days ahead.")

    def test_adding_two_ranges_on_one_day_leaves_a_break_and_free_times_follow_at_once(self):
        http = self.as_("therapist")
        response = add(http, 0, "09:00", "12:00")
        self.assertRedirects(response, reverse("bookings:availability") + "#day-0", fetch_redirect_response=False)
        add(http, 0, "13:00", "17:00")
        self.assertEqual(self.ranges(), [(0, "09:00", "12:00"), (0, "13:00", "17:00")])
        self.assertEqual(self.ranges(self.w.colleague), [])
        page = http.get(reverse("bookings:availability"))
        self.assertContains(page, "Added Monday 13:00 to 17:00. Clients can book these times now")
        # Nothing cached: the next free times on a Monday already follow the new hours.
        mondays = [
            s.start.astimezone(self.w.practice.zone)
            for s in free_slots(self.w.therapist, Kind.SESSION)
            if s.start.astimezone(self.w.practice.zone).weekday() == 0
        ]
        self.assertTrue(mondays)
        self.assertTrue(all(time(9) <= m.time() < time(12) or time(13) <= m.time() < time(17) for m in mondays))

    def test_an_htmx_add_redraws_only_that_day_announces_it_and_asks_for_focus_back_in_from(self):
        response = add(self.as_("therapist"), 2, "10:00", "11:00", **HTMX)
        self.assertEqual(response.status_code, 200)
        body = response.content.decode()
        self.assertIn('id="day-2"', body)
        self.assertNotIn('id="day-3"', body)
        self.assertNotIn("<h1", body)
        self.assertIn('data-focus="add"', body)
        self.assertIn('hx-swap-oob="innerHTML"', body)
        self.assertIn("Added Wednesday 10:00 to 11:00. Clients can book these times now", body)

    def test_an_overlapping_range_is_refused_kindly_with_what_was_typed_kept(self):
        WorkingHours.objects.create(therapist=self.w.therapist, weekday=1, start_time="09:00", end_time="12:00")
        response = add(self.as_("therapist"), 1, "11:00", "14:00")
        self.assertContains(response, "This overlaps your hours of 09:00 to 12:00 on Tuesday", status_code=400)
        self.assertContains(response, 'value="11:00"', status_code=400)
        self.assertContains(response, 'value="14:00"', status_code=400)
        self.assertContains(response, "<title>There is a problem: Availability", status_code=400)
        self.assertEqual(self.ranges(), [(1, "09:00", "12:00")])

    def test_touching_ranges_are_fine(self):
        WorkingHours.objects.create(therapist=self.w.therapist, weekday=1, start_time="09:00", end_time="12:00")
        add(self.as_("therapist"), 1, "12:00", "13:00")
        self.assertEqual(self.ranges(), [(1, "09:00", "12:00"), (1, "12:00", "13:00")])

    def test_a_back_to_front_range_is_explained_in_place_for_htmx(self):
        response = add(self.as_("therapist"), 4, "15:00", "09:00", **HTMX)
        self.assertContains(response, "Please choose an end time after the start time.")
        self.assertContains(response, 'aria-invalid="true"')
        self.assertContains(response, "Friday: Please choose an end time after the start time.")
        self.assertFalse(WorkingHours.objects.exists())

    def test_an_empty_time_is_asked_for_gently(self):
        response = add(self.as_("therapist"), 4, "", "09:00")
        self.assertContains(response, "Please choose when these hours start.", status_code=400)

    def test_a_range_is_removed_in_place_and_focus_goes_to_its_day(self):
        hours = WorkingHours.objects.create(therapist=self.w.therapist, weekday=5, start_time="09:00", end_time="12:00")
        response = self.as_("therapist").post(reverse("bookings:hours_remove"), {"hours": hours.pk}, **HTMX)
        self.assertContains(response, 'data-focus="heading"')
        self.assertContains(response, "Removed Saturday 09:00 to 12:00.")
        self.assertContains(response, "Not working.")
        self.assertFalse(WorkingHours.objects.exists())

    def test_a_colleague_cannot_remove_anothers_hours(self):
        hours = WorkingHours.objects.create(therapist=self.w.therapist, weekday=5, start_time="09:00", end_time="12:00")
        self.as_("colleague").post(reverse("bookings:hours_remove"), {"hours": hours.pk})
        self.as_("colleague").post(reverse("bookings:hours_remove"), {"hours": hours.pk}, **HTMX)
        self.assertTrue(WorkingHours.objects.filter(pk=hours.pk).exists())

    def test_a_weekday_outside_the_week_is_not_found(self):
        response = add(self.as_("therapist"), 7, "09:00", "10:00")
        self.assertEqual(response.status_code, 404)

    def test_when_bookings_are_off_the_page_says_no_one_can_book(self):
        rules = Availability.for_therapist(self.w.therapist)
        rules.accepts_bookings = False
        rules.save()
        response = add(self.as_("therapist"), 0, "09:00", "10:00", **HTMX)
        self.assertContains(response, "You are not taking new bookings at the moment")

    def test_the_booking_rules_save_on_their_own(self):
        from bookings.forms import AvailabilityForm
        from tending.testing.matrix import form_data

        data = form_data(AvailabilityForm(instance=Availability.for_therapist(self.w.therapist), prefix="rules"))
        data["rules-session_minutes"] = "60"
        response = self.as_("therapist").post(reverse("bookings:availability"), data)
        self.assertRedirects(response, reverse("bookings:availability"))
        self.assertEqual(Availability.objects.get(therapist=self.w.therapist).session_minutes, 60)
        data["rules-session_minutes"] = "5000"
        response = self.as_("therapist").post(reverse("bookings:availability"), data)
        self.assertContains(response, "Please choose between 20 and 180", status_code=400)


class DaysOffTests(TendingTestCase):
    def test_a_run_of_days_off_is_added_at_once_and_listed_with_remove_buttons(self):
        first = timezone.localdate() + timedelta(days=10)
        http = self.as_("therapist")
        response = http.post(
            reverse("bookings:days_off"),
            {"date": first.isoformat(), "last": (first + timedelta(days=4)).isoformat(), "note": "Holiday"},
            follow=True,
        )
        self.assertContains(response, "5 days off added. Clients cannot book those days from now on.")
        self.assertEqual(DayOff.objects.filter(therapist=self.w.therapist).count(), 5)
        self.assertContains(response, 'Remove<span class="visually-hidden"> the day off on', count=5)

    def test_a_day_off_with_a_booking_says_the_booking_is_kept(self):
        from bookings.models import Appointment

        day = timezone.localdate() + timedelta(days=12)
        start = timezone.make_aware(
            timezone.datetime.combine(day, time(10)), self.w.practice.zone
        )  # the practice's 10:00 that day
        Appointment.objects.create(
            practice=self.w.practice,
            therapist=self.w.therapist,
            client=self.w.client_a,
            kind=Kind.SESSION,
            start=start,
            end=start + timedelta(minutes=50),
            blocked_until=start + timedelta(minutes=60),
        )
        response = self.as_("therapist").post(reverse("bookings:days_off"), {"date": day.isoformat()}, follow=True)
        self.assertContains(response, "1 appointment is already booked then and kept")

    def test_a_past_day_or_a_last_day_before_the_first_is_refused_kindly(self):
        http = self.as_("therapist")
        yesterday = timezone.localdate() - timedelta(days=1)
        response = http.post(reverse("bookings:days_off"), {"date": yesterday.isoformat(), "note": "Oops"})
        self.assertContains(response, "Please choose today or a later day.", status_code=400)
        self.assertContains(response, 'value="Oops"', status_code=400)
        first = timezone.localdate() + timedelta(days=5)
        response = http.post(
            reverse("bookings:days_off"),
            {"date": first.isoformat(), "last": (first - timedelta(days=1)).isoformat()},
        )
        self.assertContains(response, "Please choose a last day on or after the first day.", status_code=400)
        self.assertFalse(DayOff.objects.exists())

    def test_a_day_off_is_removed_only_by_its_therapist(self):
        day = DayOff.objects.create(therapist=self.w.therapist, date=timezone.localdate() + timedelta(days=3))
        self.as_("colleague").post(reverse("bookings:days_off"), {"remove": str(day.pk)})
        self.assertTrue(DayOff.objects.filter(pk=day.pk).exists())
        response = self.as_("therapist").post(reverse("bookings:days_off"), {"remove": str(day.pk)}, follow=True)
        self.assertContains(response, "is a working day again")
        self.assertFalse(DayOff.objects.filter(pk=day.pk).exists())

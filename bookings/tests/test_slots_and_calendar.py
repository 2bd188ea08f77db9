"""Free times across daylight-saving changes, and calendar files that parse back field by field."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import time_machine
from icalendar import Calendar

from bookings import ics
from bookings.manage_links import manage_url
from bookings.models import Appointment, Availability, Consultation, DayOff, Kind, WorkingHours
from bookings.services_sessions import feed_token_rotate
from bookings.slots import free_slots
from bookings.tests.helpers import open_every_day
from tending.testing.personas import TendingTestCase

LONDON = ZoneInfo("Europe/London")


class SlotTests(TendingTestCase):
    def setUp(self):
        WorkingHours.objects.create(therapist=self.w.therapist, weekday=6, start_time=time(0, 30), end_time=time(3, 30))
        WorkingHours.objects.create(therapist=self.w.therapist, weekday=6, start_time=time(9, 0), end_time=time(10, 0))
        Availability.objects.create(
            therapist=self.w.therapist, buffer_minutes=10, minimum_notice_hours=0, consultation_minutes=20
        )

    def starts_on(self, day):
        slots = free_slots(self.w.therapist, Kind.CONSULTATION)
        return [s.start.astimezone(LONDON).strftime("%H:%M") for s in slots if s.start.astimezone(LONDON).date() == day]

    @time_machine.travel(datetime(2031, 3, 20, 12, 0, tzinfo=UTC), tick=False)
    def test_the_spring_forward_night_skips_the_hour_that_never_happens(self):
        # Sunday 30 March 2031: clocks go from 01:00 to 02:00 in London.
        starts = self.starts_on(date(2031, 3, 30))
        self.assertEqual(starts, ["00:30", "02:00", "02:30", "03:00", "09:00", "09:30"])
        nine = [s for s in free_slots(self.w.therapist, Kind.CONSULTATION) if s.start.astimezone(LONDON).hour == 9]
        # 09:00 BST is 08:00 UTC after the change; the week before it was 09:00 UTC.
        self.assertEqual(nine[0].start, datetime(2031, 3, 23, 9, 0, tzinfo=UTC))
        self.assertEqual(nine[2].start, datetime(2031, 3, 30, 8, 0, tzinfo=UTC))

    @time_machine.travel(datetime(2031, 10, 20, 12, 0, tzinfo=UTC), tick=False)
    def test_the_autumn_night_keeps_wall_clock_times_and_one_of_the_repeated_hour(self):
        # Sunday 26 October 2031: clocks go back from 02:00 to 01:00.
        starts = self.starts_on(date(2031, 10, 26))
        self.assertEqual(starts[:3], ["00:30", "01:00", "01:30"])
        utc = [s.start for s in free_slots(self.w.therapist, Kind.CONSULTATION) if s.start.date() == date(2031, 10, 26)]
        self.assertEqual(len(utc), len(set(utc)))
        nine = [s for s in free_slots(self.w.therapist, Kind.CONSULTATION) if s.start.astimezone(LONDON).hour == 9]
        self.assertEqual(nine[0].start, datetime(2031, 10, 26, 9, 0, tzinfo=UTC))  # GMT again

    @time_machine.travel(datetime(2031, 3, 20, 12, 0, tzinfo=UTC), tick=False)
    def test_days_off_booked_time_and_its_buffer_are_not_offered(self):
        DayOff.objects.create(therapist=self.w.therapist, date=date(2031, 3, 23))
        start = datetime(2031, 3, 30, 8, 0, tzinfo=UTC)
        Appointment.objects.create(
            practice=self.w.practice,
            therapist=self.w.therapist,
            client=self.w.client_a,
            start=start,
            end=start + timedelta(minutes=20),
            blocked_until=start + timedelta(minutes=30),
        )
        self.assertEqual(self.starts_on(date(2031, 3, 23)), [])
        self.assertNotIn("09:00", self.starts_on(date(2031, 3, 30)))
        self.assertIn("09:30", self.starts_on(date(2031, 3, 30)))

    @time_machine.travel(datetime(2031, 3, 20, 12, 0, tzinfo=UTC), tick=False)
    def test_notice_and_horizon_limit_the_offer(self):
        Availability.objects.filter(therapist=self.w.therapist).update(minimum_notice_hours=24 * 4, horizon_days=12)
        slots = free_slots(self.w.therapist, Kind.CONSULTATION)
        now = datetime(2031, 3, 20, 12, 0, tzinfo=UTC)
        self.assertTrue(slots)
        self.assertTrue(all(now + timedelta(days=4) <= s.start <= now + timedelta(days=12) for s in slots))

    def test_the_slot_listing_takes_a_fixed_number_of_queries(self):
        with self.assertNumQueries(4):
            free_slots(self.w.therapist, Kind.CONSULTATION)


@time_machine.travel(datetime(2031, 5, 5, 8, 0, tzinfo=UTC), tick=False)
class CalendarFileTests(TendingTestCase):
    def setUp(self):
        open_every_day(self.w.therapist)
        start = datetime(2031, 5, 7, 9, 0, tzinfo=UTC)
        self.appointment = Appointment.objects.create(
            practice=self.w.practice,
            therapist=self.w.therapist,
            client=self.w.client_a,
            kind=Kind.SESSION,
            mode="online",
            start=start,
            end=start + timedelta(minutes=50),
            blocked_until=start + timedelta(minutes=60),
            sequence=2,
        )

    def test_the_email_attachment_parses_back_with_every_field(self):
        raw = ics.appointment_ics(self.appointment, manage="https://tending.test/sessions/x/")
        cal = Calendar.from_ical(raw)
        self.assertEqual(str(cal["VERSION"]), "2.0")
        self.assertEqual(str(cal["PRODID"]), "-//Tending//Bookings//EN")
        self.assertEqual(str(cal["METHOD"]), "PUBLISH")
        [event] = list(cal.walk("VEVENT"))
        self.assertEqual(str(event["UID"]), f"{self.appointment.uuid}@127.0.0.1")
        self.assertEqual(event["DTSTAMP"].dt, datetime(2031, 5, 5, 8, 0, tzinfo=UTC))
        self.assertEqual(event["DTSTART"].dt, self.appointment.start)
        self.assertEqual(event["DTEND"].dt, self.appointment.end)
        self.assertEqual(event["DTSTART"].dt.utcoffset(), timedelta(0))
        self.assertIn(b"DTSTART:20310507T090000Z", raw)
        self.assertEqual(int(event["SEQUENCE"]), 2)
        self.assertEqual(str(event["ORGANIZER"]), "mailto:ana@willow.test")
        self.assertEqual(event["ORGANIZER"].params["CN"], "Willow Tree Therapy")
        self.assertEqual(str(event["STATUS"]), "CONFIRMED")
        self.assertEqual(str(event["URL"]), "https://tending.test/sessions/x/")
        self.assertIn("https://tending.test/sessions/x/", str(event["DESCRIPTION"]))
        self.assertTrue(str(event["LOCATION"]).startswith("https://meet.jit.si/tending-"))
        self.assertEqual(str(event["SUMMARY"]), "Session with Ana Therapist (Willow Tree Therapy)")
        # Lines are folded at 75 octets and end in CRLF, as RFC 5545 asks.
        self.assertTrue(all(len(line) <= 75 for line in raw.split(b"\r\n")))

    def test_a_cancellation_keeps_the_uid_and_says_cancel(self):
        self.appointment.status = Appointment.Status.CANCELLED
        raw = ics.appointment_ics(self.appointment, method="CANCEL")
        cal = Calendar.from_ical(raw)
        [event] = list(cal.walk("VEVENT"))
        self.assertEqual(str(cal["METHOD"]), "CANCEL")
        self.assertEqual(str(event["STATUS"]), "CANCELLED")
        self.assertEqual(str(event["UID"]), f"{self.appointment.uuid}@127.0.0.1")

    def test_the_private_feed_hides_names_unless_the_therapist_opts_in(self):
        token = feed_token_rotate(therapist=self.w.therapist)
        response = self.client.get(f"/calendar/feed/{token}.ics")
        self.assertEqual(response.status_code, 200)
        [event] = list(Calendar.from_ical(response.content).walk("VEVENT"))
        self.assertEqual(str(event["SUMMARY"]), "Session")
        self.assertNotIn(b"Cara", response.content)
        Availability.objects.filter(therapist=self.w.therapist).update(feed_shows_names=True)
        response = self.client.get(f"/calendar/feed/{token}.ics")
        [event] = list(Calendar.from_ical(response.content).walk("VEVENT"))
        self.assertEqual(str(event["SUMMARY"]), "Session: Cara Client")

    def test_a_rotated_or_revoked_feed_token_stops_working(self):
        old = feed_token_rotate(therapist=self.w.therapist)
        new = feed_token_rotate(therapist=self.w.therapist)
        self.assertEqual(self.client.get(f"/calendar/feed/{old}.ics").status_code, 404)
        self.assertEqual(self.client.get(f"/calendar/feed/{new}.ics").status_code, 200)
        self.as_("therapist").post("/calendar/feed/", {"action": "revoke"})
        self.assertEqual(self.client.get(f"/calendar/feed/{new}.ics").status_code, 404)

    def test_the_visitor_download_matches_the_email(self):
        consultation = Consultation.objects.create(practice=self.w.practice, name="Rae", email="rae@example.test")
        self.appointment.client = None
        self.appointment.kind = Kind.CONSULTATION
        self.appointment.consultation = consultation
        self.appointment.save()
        url = manage_url(consultation).replace("http://127.0.0.1:8000", "") + "calendar.ics"
        response = self.client.get(url)
        [event] = list(Calendar.from_ical(response.content).walk("VEVENT"))
        self.assertEqual(str(event["SUMMARY"]), "Free consultation with Ana Therapist (Willow Tree Therapy)")
        self.assertEqual(event["DTSTART"].dt, self.appointment.start)

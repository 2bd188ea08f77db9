"""Issue 20: "a free initial consultation is always available". A visitor asks without a time; the practice
sees waiting requests (nothing clinical), is reminded once after two working days, and offers a time the
visitor books from the email, the normal way."""

import re
from datetime import UTC, datetime, timedelta
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from audit.models import AuditEvent
from bookings.consultation_requests import (
    consultation_ask,
    consultation_offer,
    consultation_offer_accept,
    offer_signature,
    requests_remind,
    waited_enough_at,
    waiting_requests,
)
from bookings.models import Appointment, Consultation, Kind
from bookings.services_appointments import SlotTaken, appointment_book
from bookings.services_front_door import consultation_book
from bookings.slots import free_slots
from bookings.tests.helpers import open_every_day
from outbox.models import Email
from tending.testing.concurrency import race
from tending.testing.factories import PracticeFactory, StaffFactory
from tending.testing.personas import TendingTestCase, add_administrator_persona

NOW = datetime(2031, 5, 6, 9, 0, tzinfo=UTC)  # a Tuesday (10:00 in London)
LONDON = ZoneInfo("Europe/London")


def _london(*args) -> datetime:
    return datetime(*args, tzinfo=LONDON)


@time_machine.travel(NOW, tick=False)
class AskingTests(TendingTestCase):
    def setUp(self):
        self.url = reverse("bookings:consult_ask", kwargs={"slug": "willow"})

    def ask(self, email="rae@example.test", **extra):
        data = {"name": "Rae", "email": email, "usually_free": "Weekday evenings", "reach_by": "email", **extra}
        with self.captureOnCommitCallbacks(execute=True):
            return self.client.post(self.url, data)

    def test_a_visitor_asks_without_a_time_and_is_told_what_happens_next(self):
        response = self.ask(tz="America/New_York")
        self.assertEqual(response.status_code, 302)
        request = Consultation.objects.get()
        self.assertTrue(request.asked_without_time)
        self.assertEqual(
            (request.usually_free, request.reach_by, request.time_zone),
            ("Weekday evenings", "email", "America/New_York"),
        )
        self.assertFalse(request.appointments.exists())
        page = self.client.get(response.url)
        self.assertContains(page, "What you asked for")
        self.assertContains(page, "usually within two working days")
        self.assertIn("We have your request", mail.outbox[-1].body)
        self.assertIn("Weekday evenings", mail.outbox[-1].body)

    def test_a_call_needs_a_number_and_the_refused_form_keeps_what_was_typed(self):
        response = self.ask(reach_by="phone")
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "Please give a number we can call, or choose email.", status_code=400)
        self.assertContains(response, "Weekday evenings", status_code=400)
        self.assertFalse(Consultation.objects.exists())
        self.assertEqual(self.ask(reach_by="phone", phone="07700 900123").status_code, 302)
        self.assertEqual(Consultation.objects.get().phone, "07700 900123")

    def test_one_per_person_the_second_request_records_nothing_and_the_page_is_the_same(self):
        first = self.ask()
        second = self.ask(email="RAE@example.test")
        self.assertEqual(Consultation.objects.count(), 1)
        self.assertEqual(first.url, second.url)
        self.assertIn("already has a request for a free consultation", mail.outbox[-1].body)

    def test_an_address_with_a_booked_consultation_is_told_of_it_and_nothing_is_recorded(self):
        open_every_day(self.w.therapist)
        consultation = Consultation.objects.create(practice=self.w.practice, name="Rae", email="rae@example.test")
        appointment_book(
            therapist=self.w.therapist,
            kind=Kind.CONSULTATION,
            mode="online",
            start=NOW + timedelta(days=3),
            status=Appointment.Status.CONFIRMED,
            booked_by="visitor",
            consultation=consultation,
        )
        self.ask()
        self.assertEqual(Consultation.objects.count(), 1)
        self.assertIn("already has a free consultation", mail.outbox[-1].body)

    def test_a_waiting_request_counts_when_the_same_address_books_a_time(self):
        open_every_day(self.w.therapist)
        self.ask()
        slot = free_slots(self.w.therapist, Kind.CONSULTATION)[0]
        url = reverse("bookings:consult_form", kwargs={"slug": "willow", "slot": slot.key})
        with self.captureOnCommitCallbacks(execute=True):
            self.client.post(
                url + f"?with={self.w.therapist.uuid}", {"name": "Rae", "email": "rae@example.test", "mode": "online"}
            )
        self.assertFalse(Appointment.objects.exists())
        self.assertIn("already has a request", mail.outbox[-1].body)

    def test_the_honeypot_records_nothing_but_looks_the_same(self):
        response = self.ask(website="http://spam.example")
        self.assertEqual(response.status_code, 302)
        self.assertFalse(Consultation.objects.exists())


@time_machine.travel(NOW, tick=False)
class WaitingListTests(TendingTestCase):
    def setUp(self):
        self.request = consultation_ask(
            practice=self.w.practice,
            name="Rae",
            email="rae@example.test",
            usually_free="Saturday mornings",
            reach_by="phone",
            phone="07700 900123",
            time_zone="Europe/London",
        )
        # A note from an earlier booking form never reaches this page (none is asked for here).
        Consultation.objects.filter(pk=self.request.pk).update(note="")

    def test_the_practices_staff_see_who_is_waiting_when_they_are_free_and_how_to_reach_them(self):
        add_administrator_persona(self.w)
        for persona in ("therapist", "colleague", "owner", "administrator"):
            with self.subTest(persona=persona):
                page = self.as_(persona).get(reverse("bookings:consult_requests"))
                self.assertContains(page, "Rae")
                self.assertContains(page, "Saturday mornings")
                self.assertContains(page, "07700 900123")
                self.assertContains(page, reverse("bookings:consult_request_offer", args=[self.request.uuid]))

    def test_another_practice_sees_none_of_them_and_cannot_offer_a_time(self):
        page = self.as_("outsider").get(reverse("bookings:consult_requests"))
        self.assertNotContains(page, "Rae")
        url = reverse("bookings:consult_request_offer", args=[self.request.uuid])
        self.assertEqual(self.as_("outsider").get(url).status_code, 404)
        response = self.as_("outsider").post(url, {"therapist": str(self.w.outsider.uuid), "start": "2031-05-09T10:00"})
        self.assertEqual(response.status_code, 404)
        self.request.refresh_from_db()
        self.assertIsNone(self.request.offered_at)

    def test_clients_and_visitors_cannot_see_the_list(self):
        self.assertEqual(self.as_("client_a").get(reverse("bookings:consult_requests")).status_code, 404)
        self.assertEqual(self.client.get(reverse("bookings:consult_requests")).status_code, 302)

    def test_a_booked_request_leaves_the_list(self):
        self.assertEqual(list(waiting_requests(self.w.practice)), [self.request])
        open_every_day(self.w.therapist)
        appointment_book(
            therapist=self.w.therapist,
            kind=Kind.CONSULTATION,
            mode="online",
            start=NOW + timedelta(days=2),
            status=Appointment.Status.CONFIRMED,
            booked_by="visitor",
            consultation=self.request,
        )
        self.assertEqual(list(waiting_requests(self.w.practice)), [])

    def test_a_request_can_be_closed_without_a_booking_and_the_visitor_is_sent_nothing(self):
        url = reverse("bookings:consult_request_close", args=[self.request.uuid])
        self.assertEqual(self.as_("outsider").post(url).status_code, 404)
        emails_before = Email.objects.count()
        response = self.as_("colleague").post(url)
        self.assertRedirects(response, reverse("bookings:consult_requests") + "?closed=1")
        self.request.refresh_from_db()
        self.assertEqual(self.request.outcome, Consultation.Outcome.NOT_NOW)
        self.assertEqual(list(waiting_requests(self.w.practice)), [])
        self.assertEqual(Email.objects.count(), emails_before)
        self.assertTrue(AuditEvent.objects.filter(object_type="bookings.consultation", action="update").exists())
        self.assertEqual(self.as_("colleague").post(url).status_code, 404)  # already closed


class WorkingDaysTests(TendingTestCase):
    def test_two_working_days_from_a_weekday_is_the_same_time_two_working_days_later(self):
        practice = self.w.practice  # in England: GB's public holidays count
        self.assertEqual(
            waited_enough_at(practice, _london(2031, 5, 7, 15, 0)), _london(2031, 5, 9, 15, 0)
        )  # Wed → Fri
        self.assertEqual(
            waited_enough_at(practice, _london(2031, 5, 9, 15, 0)), _london(2031, 5, 13, 15, 0)
        )  # Fri → Tue

    def test_a_bank_holiday_does_not_count(self):
        # Monday 5 May 2031 is the early May bank holiday; Christmas and Boxing Day 2031 are Thursday and Friday.
        practice = self.w.practice
        self.assertEqual(waited_enough_at(practice, _london(2031, 5, 2, 15, 0)), _london(2031, 5, 7, 15, 0))
        self.assertEqual(waited_enough_at(practice, _london(2031, 12, 24, 10, 0)), _london(2031, 12, 30, 10, 0))

    def test_asked_at_the_weekend_it_counts_from_monday_to_the_end_of_tuesday(self):
        practice = self.w.practice
        self.assertEqual(waited_enough_at(practice, _london(2031, 5, 10, 11, 0)), _london(2031, 5, 14, 0, 0))


class ReminderTests(TendingTestCase):
    def setUp(self):
        with time_machine.travel(_london(2031, 5, 9, 15, 0), tick=False):  # a Friday afternoon
            self.request = consultation_ask(
                practice=self.w.practice,
                name="Rae",
                email="rae@example.test",
                usually_free="Evenings",
                reach_by="email",
                time_zone="Europe/London",
            )
        self.w.practice.contact_email = "hello@willow.test"
        self.w.practice.save(update_fields=["contact_email"])

    def reminders(self):
        return Email.objects.filter(kind="Consultation request waiting")

    def test_the_practice_is_reminded_once_after_two_working_days_not_counting_the_weekend(self):
        self.assertEqual(requests_remind(now=_london(2031, 5, 12, 16, 0)), 0)  # Monday: one working day
        self.assertEqual(requests_remind(now=_london(2031, 5, 13, 14, 59)), 0)  # Tuesday, a minute early
        self.assertEqual(requests_remind(now=_london(2031, 5, 13, 15, 0)), 1)
        self.assertEqual(requests_remind(now=_london(2031, 5, 14, 15, 0)), 0)  # once
        self.request.refresh_from_db()
        self.assertEqual(self.request.reminded_at, _london(2031, 5, 13, 15, 0))
        reminder = self.reminders().get()
        self.assertEqual(reminder.to, "hello@willow.test")
        # It names nobody: it links to the list.
        self.assertNotIn("Rae", reminder.body)
        self.assertNotIn("rae@example.test", reminder.body)
        self.assertIn(reverse("bookings:consult_requests"), reminder.body)

    def test_without_a_contact_address_it_goes_to_the_office(self):
        self.w.practice.contact_email = ""
        self.w.practice.save(update_fields=["contact_email"])
        requests_remind(now=_london(2031, 5, 13, 15, 0))
        self.assertEqual(self.reminders().get().to, "olive@willow.test")

    def test_a_request_offered_a_time_needs_no_reminder(self):
        Consultation.objects.filter(pk=self.request.pk).update(offered_at=_london(2031, 5, 12, 9, 0))
        self.assertEqual(requests_remind(now=_london(2031, 5, 14, 15, 0)), 0)

    def test_the_job_runs_as_a_command(self):
        from io import StringIO

        from django.core.management import call_command

        out = StringIO()
        with time_machine.travel(_london(2031, 5, 13, 15, 0), tick=False):
            call_command("bookings_waiting", stdout=out)
        self.assertIn('"reminded": 1', out.getvalue())


@time_machine.travel(NOW, tick=False)
class OfferTests(TendingTestCase):
    def setUp(self):
        open_every_day(self.w.therapist)
        self.request = consultation_ask(
            practice=self.w.practice,
            name="Rae",
            email="rae@example.test",
            usually_free="Thursday mornings",
            reach_by="email",
            time_zone="America/New_York",
        )
        self.offer_url = reverse("bookings:consult_request_offer", args=[self.request.uuid])
        self.start = _london(2031, 5, 8, 10, 30)  # Thursday

    def offer(self, persona="therapist", start="2031-05-08T10:30", therapist=None):
        data = {"therapist": str((therapist or self.w.therapist).uuid), "start": start, "mode": "online"}
        with self.captureOnCommitCallbacks(execute=True):
            return self.as_(persona).post(self.offer_url, data)

    def link(self) -> str:
        body = mail.outbox[-1].body
        return re.search(r"https?://\S+/book/offer/\S+/", body).group(0)

    def test_an_offered_time_is_emailed_in_the_visitors_zone_and_booked_from_the_link(self):
        response = self.offer()
        self.assertRedirects(response, reverse("bookings:consult_requests") + "?offered=1")
        self.request.refresh_from_db()
        self.assertEqual((self.request.offered_start, self.request.offered_therapist), (self.start, self.w.therapist))
        email = mail.outbox[-1]
        self.assertEqual(email.to, ["rae@example.test"])
        self.assertIn("Thursday 8 May 2031, 05:30 (America/New_York)", email.body)  # 10:30 in London
        path = self.link().split("://", 1)[1].split("/", 1)[1]
        page = self.client.get("/" + path)
        self.assertContains(page, "Ana Therapist")
        self.assertFalse(Appointment.objects.exists())  # opening the link books nothing
        with self.captureOnCommitCallbacks(execute=True):
            booked = self.client.post("/" + path)
        appointment = Appointment.objects.get()
        self.assertEqual(
            (appointment.therapist, appointment.start, appointment.kind, appointment.status),
            (self.w.therapist, self.start, Kind.CONSULTATION, Appointment.Status.CONFIRMED),
        )
        self.assertEqual(appointment.consultation, self.request)
        self.assertEqual(booked.status_code, 302)
        self.assertIn("/book/manage/", booked.url)
        self.assertIn("Thank you for booking a free consultation", mail.outbox[-1].body)
        # Booked, it leaves the waiting list; the link now leads to the booking.
        self.assertEqual(list(waiting_requests(self.w.practice)), [])
        self.assertIn("/book/manage/", self.client.get("/" + path).url)

    def test_booking_twice_books_once(self):
        self.offer()
        self.request.refresh_from_db()
        first = consultation_offer_accept(consultation=self.request)
        second = consultation_offer_accept(consultation=self.request)
        self.assertEqual(first.pk, second.pk)
        self.assertEqual(Appointment.objects.count(), 1)

    def test_a_tap_that_loses_to_its_own_double_books_once_and_sends_one_email(self):
        # The other tap commits between this one's look for its booking and its insert: the database's unique key
        # refuses the second, which gets the first back and sends nothing of its own.
        self.offer()
        self.request.refresh_from_db()
        other_tap = {}

        def the_other_tap_first(**booking):
            other_tap["appointment"] = appointment_book(**booking)
            return appointment_book(**booking)

        with mock.patch("bookings.consultation_requests.appointment_book", side_effect=the_other_tap_first):
            again = consultation_offer_accept(consultation=self.request)
        self.assertEqual(again.pk, other_tap["appointment"].pk)
        self.assertTrue(again.was_retry)
        self.assertFalse(other_tap["appointment"].was_retry)
        self.assertEqual(Appointment.objects.count(), 1)
        self.assertFalse(Email.objects.filter(kind="Appointment booked").exists())

    def test_a_tap_after_the_offer_was_booked_and_cleared_returns_that_booking(self):
        self.offer()
        self.request.refresh_from_db()
        booked = consultation_offer_accept(consultation=self.request)
        Consultation.objects.filter(pk=self.request.pk).update(offered_at=None, offered_start=None)
        again = consultation_offer_accept(consultation=Consultation.objects.get(pk=self.request.pk))
        self.assertEqual(again.pk, booked.pk)

    def test_a_time_taken_in_the_meantime_books_nothing_and_the_request_waits_for_another(self):
        self.offer()
        self.request.refresh_from_db()
        other = Consultation.objects.create(practice=self.w.practice, name="Sol", email="sol@example.test")
        appointment_book(
            therapist=self.w.therapist,
            kind=Kind.CONSULTATION,
            mode="online",
            start=self.start,
            status=Appointment.Status.CONFIRMED,
            booked_by="visitor",
            consultation=other,
        )
        with self.assertRaises(SlotTaken):
            consultation_offer_accept(consultation=self.request)
        self.assertEqual(Appointment.objects.filter(consultation=self.request).count(), 0)
        self.request.refresh_from_db()
        self.assertIsNone(self.request.offered_at)
        self.assertIn(self.request, list(waiting_requests(self.w.practice)))
        # A second tap that reads the request after this one cleared the offer (in a race, say) hears the same.
        with self.assertRaisesMessage(SlotTaken, "that time has just been taken"):
            consultation_offer_accept(consultation=self.request)
        self.assertEqual(Appointment.objects.filter(consultation=self.request).count(), 0)

    def test_a_time_the_therapist_already_has_is_refused_kindly(self):
        consultation_offer(
            consultation=self.request,
            staff=self.w.therapist,
            therapist=self.w.therapist,
            start=self.start,
            mode="online",
        )
        self.request.refresh_from_db()
        consultation_offer_accept(consultation=self.request)
        second = consultation_ask(
            practice=self.w.practice,
            name="Sol",
            email="sol@example.test",
            usually_free="Any",
            reach_by="email",
            time_zone="Europe/London",
        )
        url = reverse("bookings:consult_request_offer", args=[second.uuid])
        response = self.as_("therapist").post(
            url, {"therapist": str(self.w.therapist.uuid), "start": "2031-05-08T10:30", "mode": "online"}
        )
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "Ana Therapist already has an appointment then.", status_code=400)
        self.assertContains(response, "<title>There is a problem: ", status_code=400)

    def test_an_earlier_offers_link_opens_a_kind_page_once_another_is_offered(self):
        self.offer()
        old = self.link()
        self.offer(start="2031-05-08T11:30")
        old_path = "/" + old.split("://", 1)[1].split("/", 1)[1]
        page = self.client.get(old_path)
        self.assertEqual(page.status_code, 410)
        self.assertContains(page, "This time is no longer offered", status_code=410)
        self.assertEqual(self.client.post(old_path).status_code, 410)
        self.assertFalse(Appointment.objects.exists())

    def test_an_altered_link_opens_nothing(self):
        self.offer()
        self.request.refresh_from_db()
        signed = offer_signature(self.request)
        self.assertEqual(self.client.get(reverse("bookings:offer", args=[signed[:-2] + "xx"])).status_code, 404)


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_an_offered_time_and_a_visitor_booking_it_at_once_book_it_once():
    """Real threads with their own connections: the visitor confirming the offer, the same tapped twice, and
    another visitor booking the same time. The database's no-overlap rule lets exactly one in."""
    practice = PracticeFactory()
    staff = StaffFactory(practice=practice)
    open_every_day(staff, minimum_notice_hours=0)
    slot = free_slots(staff, Kind.CONSULTATION)[2]
    request = consultation_ask(
        practice=practice,
        name="Rae",
        email="rae@example.test",
        usually_free="Any",
        reach_by="email",
        time_zone="Europe/London",
    )
    consultation_offer(consultation=request, staff=staff, therapist=staff, start=slot.start, mode="online")
    request.refresh_from_db()
    jobs = [
        lambda: consultation_offer_accept(consultation=Consultation.objects.get(pk=request.pk)),
        lambda: consultation_offer_accept(consultation=Consultation.objects.get(pk=request.pk)),
        lambda: consultation_book(
            practice=practice, therapists=[staff], start=slot.start, name="Sol", email="sol@example.test"
        ),
    ]
    results, errors = race(jobs, expected=(SlotTaken,))
    assert errors == []
    assert Appointment.objects.active().filter(therapist=staff, start=slot.start).count() == 1
    booked = {r.pk for r in results if isinstance(r, Appointment)} | {
        r.appointment.pk for r in results if hasattr(r, "appointment") and r.appointment is not None
    }
    assert len(booked) == 1
    assert Email.objects.filter(kind="Appointment booked").count() == 1

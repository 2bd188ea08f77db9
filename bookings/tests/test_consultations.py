"""A visitor books, moves and cancels a free consultation; spam is turned away kindly."""

import re
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import time_machine
from django.core import mail
from django.test import override_settings
from django.urls import reverse

from bookings.manage_links import manage_signature
from bookings.models import Appointment, BookingSettings, Consultation, Kind
from bookings.slots import free_slots
from bookings.tests.helpers import open_every_day
from tending.testing.personas import TendingTestCase

NOW = datetime(2031, 5, 5, 8, 0, tzinfo=UTC)  # a Monday


@time_machine.travel(NOW, tick=False)
class ConsultationBookingTests(TendingTestCase):
    def setUp(self):
        open_every_day(self.w.therapist)
        open_every_day(self.w.colleague)
        self.slot = free_slots(self.w.therapist, Kind.CONSULTATION)[0]

    def book(self, email="rae@example.test", slot=None, who=None, **extra):
        slot = slot or self.slot
        url = reverse("bookings:consult_form", kwargs={"slug": "willow", "slot": slot.key})
        url += f"?with={who or self.w.therapist.uuid}"
        data = {"name": "Rae", "email": email, "mode": "online", "note": "Sleep has been hard", "key": "", **extra}
        with self.captureOnCommitCallbacks(execute=True):
            return self.client.post(url, data)

    def test_the_public_page_shows_the_approach_therapists_and_the_booking_action(self):
        response = self.client.get(reverse("bookings:practice", kwargs={"slug": "willow"}))
        self.assertContains(response, "Willow Tree Therapy")
        self.assertContains(response, "Ana Therapist")
        self.assertContains(response, "Book a free consultation")
        self.assertContains(response, reverse("bookings:consult_slots", kwargs={"slug": "willow"}))

    def test_with_several_practices_the_root_lists_them(self):
        # The persona world has two practices (Willow and Oak).
        response = self.client.get("/")
        self.assertContains(response, reverse("bookings:practice", kwargs={"slug": "oak"}))

    def test_slots_page_shows_times_in_the_chosen_zone(self):
        url = reverse("bookings:consult_slots", kwargs={"slug": "willow"})
        london = self.client.get(url, {"with": self.w.therapist.uuid, "tz": "Europe/London"})
        tokyo = self.client.get(url, {"with": self.w.therapist.uuid, "tz": "Asia/Tokyo"})
        local_london = self.slot.start.astimezone(ZoneInfo("Europe/London"))
        local_tokyo = self.slot.start.astimezone(ZoneInfo("Asia/Tokyo"))
        self.assertContains(london, f">{local_london:%H:%M}<")
        self.assertContains(tokyo, f">{local_tokyo:%H:%M}<")
        self.assertEqual(tokyo.cookies["tz"].value, "Asia/Tokyo")

    def test_a_visitor_books_and_gets_an_email_with_a_calendar_file_and_manage_link(self):
        response = self.book()
        self.assertRedirects(
            response, reverse("bookings:consult_booked", kwargs={"slug": "willow"}) + "?" + response.url.split("?")[1]
        )
        appointment = Appointment.objects.get()
        self.assertEqual(appointment.kind, Kind.CONSULTATION)
        self.assertEqual(appointment.status, Appointment.Status.CONFIRMED)
        self.assertEqual(appointment.therapist, self.w.therapist)
        self.assertIsNone(appointment.client)
        self.assertEqual(appointment.consultation.note, "Sleep has been hard")
        self.assertEqual(len(mail.outbox), 1)
        message = mail.outbox[0]
        self.assertEqual(message.to, ["rae@example.test"])
        self.assertNotIn("Sleep has been hard", message.body)
        self.assertIn(manage_signature(appointment.consultation), message.body)
        self.assertEqual(message.attachments[0][0], "appointment.ics")

    def test_whoever_is_first_free_goes_to_a_free_therapist(self):
        self.book(email="a@example.test", who="any")
        self.book(email="b@example.test", who="any")
        therapists = set(Appointment.objects.values_list("therapist_id", flat=True))
        self.assertEqual(therapists, {self.w.therapist.id, self.w.colleague.id})

    def test_a_second_consultation_for_the_same_email_books_nothing_and_answers_the_same(self):
        first = self.book()
        other = free_slots(self.w.therapist, Kind.CONSULTATION)[3]
        second = self.book(email="RAE@example.test", slot=other)
        self.assertEqual(first.status_code, second.status_code)
        # The same page, repeating only what each asked for (issue 20): the time differs, nothing else.
        self.assertEqual(first["Location"].split("?")[0], second["Location"].split("?")[0])
        self.assertEqual(Appointment.objects.count(), 1)
        self.assertIn("already has a free consultation", mail.outbox[-1].body)

    def test_the_owner_may_allow_more_consultations_per_email(self):
        BookingSettings.objects.filter(practice=self.w.practice).update(consultations_per_email=2)
        BookingSettings.objects.get_or_create(practice=self.w.practice, defaults={"consultations_per_email": 2})
        self.book()
        self.book(slot=free_slots(self.w.therapist, Kind.CONSULTATION)[3])
        self.assertEqual(Appointment.objects.count(), 2)

    def test_the_honeypot_books_nothing_but_looks_the_same(self):
        response = self.book(website="http://spam.example")
        self.assertEqual(response.url.split("?")[0], reverse("bookings:consult_booked", kwargs={"slug": "willow"}))
        self.assertEqual(Appointment.objects.count(), 0)
        self.assertEqual(Consultation.objects.count(), 0)

    @override_settings(TENDING_BOOKING_RATE_LIMIT=2)
    def test_too_many_requests_from_one_address_get_a_kind_message(self):
        slots = free_slots(self.w.therapist, Kind.CONSULTATION)
        self.book(email="a@example.test", slot=slots[0])
        self.book(email="b@example.test", slot=slots[2])
        response = self.book(email="c@example.test", slot=slots[4])
        self.assertEqual(response.status_code, 429)
        self.assertContains(response, "Please try again a little later", status_code=429)
        self.assertContains(response, 'value="c@example.test"', status_code=429)
        self.assertEqual(Appointment.objects.count(), 2)

    def test_bad_input_keeps_what_was_typed_and_explains_by_the_field(self):
        response = self.book(email="not-an-email", name="Rae")
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, 'value="Rae"', status_code=400)
        self.assertContains(response, "Enter a valid email address", status_code=400)

    def test_a_taken_time_offers_other_times(self):
        self.book(email="a@example.test")
        response = self.book(email="b@example.test")
        self.assertEqual(response.status_code, 409)
        self.assertContains(response, "that time was just taken", status_code=409)
        self.assertContains(response, "Other free times", status_code=409)

    def test_confirmation_required_leaves_it_requested_until_the_therapist_confirms(self):
        BookingSettings.objects.update_or_create(practice=self.w.practice, defaults={"require_confirmation": True})
        self.book()
        appointment = Appointment.objects.get()
        self.assertEqual(appointment.status, Appointment.Status.REQUESTED)
        http = self.as_("therapist")
        agenda = http.get(reverse("bookings:agenda"))
        self.assertContains(agenda, "Waiting for you to confirm")
        with self.captureOnCommitCallbacks(execute=True):
            http.post(
                reverse(
                    "bookings:appointment_action", kwargs={"appointment_uuid": appointment.uuid, "action": "confirm"}
                )
            )
        appointment.refresh_from_db()
        self.assertEqual(appointment.status, Appointment.Status.CONFIRMED)
        self.assertIn("is confirmed", mail.outbox[-1].body)

    def test_the_calendar_lists_a_requested_consultation_in_each_of_its_places(self):
        BookingSettings.objects.update_or_create(practice=self.w.practice, defaults={"require_confirmation": True})
        self.book(name="Rae <Ray> & co")
        appointment = Appointment.objects.get()
        local = appointment.start.astimezone(self.w.practice.zone)
        local_end = appointment.end.astimezone(self.w.practice.zone)
        url = reverse("bookings:appointment", kwargs={"appointment_uuid": appointment.uuid})
        when = f"{local:%a} {local.day} {local:%b}, {local:%H:%M}"
        name = "Rae &lt;Ray&gt; &amp; co"
        agenda = self.as_("therapist").get(reverse("bookings:agenda"), {"date": local.date().isoformat()})
        # Waiting for the therapist to confirm, in the week, and coming up: each row written as the template wrote it.
        self.assertContains(agenda, f'<li><a href="{url}">{when} — {name}</a></li>', html=True)
        self.assertContains(
            agenda,
            f'<li class="agenda-item agenda-item--requested"><a href="{url}">{local:%H:%M}–{local_end:%H:%M} Free'
            f' consultation: {name}</a> <span class="badge">Waiting for confirmation</span>'
            ' <span class="small">Online</span></li>',
            html=True,
        )
        self.assertContains(
            agenda,
            f'<li><a href="{url}">{when} — Free consultation: {name}</a>'
            ' <span class="badge">Waiting for confirmation</span></li>',
            html=True,
        )
        self.assertNotContains(agenda, "<Ray>")

    def test_the_signed_link_moves_and_cancels_without_an_account(self):
        self.book()
        appointment = Appointment.objects.get()
        link = re.search(r"http://\S+/book/manage/(\S+)/", mail.outbox[0].body).group(1)
        manage = self.client.get(reverse("bookings:manage", kwargs={"signed": link}))
        self.assertContains(manage, "Choose another time")
        new = free_slots(self.w.therapist, Kind.CONSULTATION, ignore=appointment)[5]
        with self.captureOnCommitCallbacks(execute=True):
            moved = self.client.post(reverse("bookings:manage_move", kwargs={"signed": link}), {"slot": new.key})
        self.assertEqual(moved.status_code, 302)
        appointment.refresh_from_db()
        self.assertEqual(appointment.start, new.start)
        self.assertEqual(appointment.sequence, 1)
        with self.captureOnCommitCallbacks(execute=True):
            self.client.post(reverse("bookings:manage_cancel", kwargs={"signed": link}))
        appointment.refresh_from_db()
        self.assertEqual(appointment.status, Appointment.Status.CANCELLED)
        self.assertIn("is cancelled", mail.outbox[-1].body)

    def test_a_tampered_link_is_not_found(self):
        self.book()
        consultation = Consultation.objects.get()
        signed = manage_signature(consultation)
        response = self.client.get(reverse("bookings:manage", kwargs={"signed": signed[:-2] + "xx"}))
        self.assertEqual(response.status_code, 404)
        response = self.client.get(reverse("bookings:manage", kwargs={"signed": consultation.manage_token}))
        self.assertEqual(response.status_code, 404)

    def test_the_visitor_is_never_asked_for_health_detail_beyond_the_optional_note(self):
        url = reverse("bookings:consult_form", kwargs={"slug": "willow", "slot": self.slot.key})
        response = self.client.get(url)
        form = response.content.decode().split('<form method="post"')[1].split("</form>")[0]
        names = set(re.findall(r'<(?:input|select|textarea)[^>]* name="([a-z_]+)"', form))
        self.assertEqual(
            names - {"csrfmiddlewaretoken"}, {"name", "email", "phone", "mode", "note", "website", "key", "tz"}
        )

"""Clients book at their own pace; therapists book for them; outcomes, reminders, nudges and the 90-day purge."""

import json
import re
from datetime import UTC, datetime, timedelta
from io import StringIO

import time_machine
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from accounts.models import Invitation
from accounts.services import invitation_accept
from audit.models import AuditEvent
from bookings.jobs import enqueue_due_reminders, enqueue_nudges
from bookings.models import Appointment, BookingSettings, Consultation, Kind, NudgeSent
from bookings.services_front_door import consultation_book, consultations_purge
from bookings.services_sessions import session_book
from bookings.slots import free_slots
from bookings.tests.helpers import open_every_day
from onboarding.services import consent_record
from practice.models import CareChange
from tending.testing.personas import TendingTestCase

NOW = datetime(2031, 5, 5, 8, 0, tzinfo=UTC)


@time_machine.travel(NOW, tick=False)
class ClientSessionTests(TendingTestCase):
    def setUp(self):
        open_every_day(self.w.therapist)

    def test_a_client_books_their_next_session_from_their_therapists_free_times(self):
        http = self.as_("client_a")
        page = http.get(reverse("bookings:mine"))
        self.assertContains(page, "Book a session when you're ready")
        self.assertNotContains(page, "session 1 of")
        slot = free_slots(self.w.therapist, Kind.SESSION)[0]
        with self.captureOnCommitCallbacks(execute=True):
            response = http.post(
                reverse("bookings:book_session", kwargs={"slot": slot.key}), {"mode": "online", "key": "k1"}
            )
        appointment = Appointment.objects.get()
        self.assertRedirects(response, reverse("bookings:session", kwargs={"appointment_uuid": appointment.uuid}))
        self.assertEqual(
            (appointment.client, appointment.therapist, appointment.start),
            (self.w.client_a, self.w.therapist, slot.start),
        )
        self.assertEqual(mail.outbox[-1].to, ["cara@willow.test"])
        self.assertIn("Video link: https://meet.jit.si/tending-", mail.outbox[-1].body)

    def test_the_same_booking_sent_twice_books_once_and_emails_once(self):
        # A reload or a second tap resends the form with its key: the client is taken to the session they booked.
        http = self.as_("client_a")
        path = reverse("bookings:book_session", kwargs={"slot": free_slots(self.w.therapist, Kind.SESSION)[0].key})
        with self.captureOnCommitCallbacks(execute=True):
            first = http.post(path, {"mode": "online", "key": "k1"})
            again = http.post(path, {"mode": "online", "key": "k1"})
        appointment = Appointment.objects.get()
        session = reverse("bookings:session", kwargs={"appointment_uuid": appointment.uuid})
        self.assertRedirects(first, session)
        self.assertRedirects(again, session)
        self.assertEqual(len(mail.outbox), 1)
        # A key is the client's own: another client sending it books their own session, or is told the time is taken.
        with self.captureOnCommitCallbacks(execute=True):
            other = self.as_("client_b").post(path, {"mode": "online", "key": "k1"})
        self.assertEqual(other.status_code, 409)
        self.assertEqual(Appointment.objects.count(), 1)

    def test_a_client_cannot_see_another_clients_session(self):
        appointment = session_book(
            client=self.w.client_b,
            start=free_slots(self.w.therapist, Kind.SESSION)[0].start,
            mode="online",
            by="client",
        )
        response = self.as_("client_a").get(reverse("bookings:session", kwargs={"appointment_uuid": appointment.uuid}))
        self.assertEqual(response.status_code, 404)

    def test_moving_and_cancelling_close_at_the_practices_notice(self):
        BookingSettings.objects.update_or_create(practice=self.w.practice, defaults={"notice_hours": 48})
        soon = next(s for s in free_slots(self.w.therapist, Kind.SESSION) if s.start - NOW < timedelta(hours=48))
        later = next(s for s in free_slots(self.w.therapist, Kind.SESSION) if s.start - NOW > timedelta(hours=72))
        near = session_book(client=self.w.client_a, start=soon.start, mode="online", by="client")
        far = session_book(client=self.w.client_a, start=later.start, mode="online", by="client")
        http = self.as_("client_a")
        refused = http.post(reverse("bookings:session_cancel", kwargs={"appointment_uuid": near.uuid}))
        self.assertRedirects(refused, reverse("bookings:session", kwargs={"appointment_uuid": near.uuid}))
        near.refresh_from_db()
        self.assertTrue(near.is_active)
        http.post(reverse("bookings:session_cancel", kwargs={"appointment_uuid": far.uuid}))
        far.refresh_from_db()
        self.assertEqual(far.status, Appointment.Status.CANCELLED)

    def test_a_client_moves_a_session_to_another_free_time(self):
        slots = free_slots(self.w.therapist, Kind.SESSION)
        appointment = session_book(client=self.w.client_a, start=slots[30].start, mode="online", by="client")
        target = slots[40]
        self.as_("client_a").post(
            reverse("bookings:session_move", kwargs={"appointment_uuid": appointment.uuid}),
            {"slot": target.key, "confirm": "yes"},  # after the confirmation page (test_client_changes_told.py)
        )
        appointment.refresh_from_db()
        self.assertEqual(appointment.start, target.start)

    def test_moving_onto_a_taken_time_answers_kindly_with_other_times(self):
        slots = free_slots(self.w.therapist, Kind.SESSION)
        mine = session_book(client=self.w.client_a, start=slots[30].start, mode="online", by="client")
        session_book(client=self.w.client_b, start=slots[40].start, mode="online", by="client")
        response = self.as_("client_a").post(
            reverse("bookings:session_move", kwargs={"appointment_uuid": mine.uuid}), {"slot": slots[40].key}
        )
        self.assertContains(response, "that time was just taken", status_code=409)
        mine.refresh_from_db()
        self.assertEqual(mine.start, slots[30].start)

    def test_the_therapist_books_for_a_client_and_an_overlap_is_refused_by_the_field(self):
        http = self.as_("therapist")
        url = reverse("bookings:book_for_client", kwargs={"client_uuid": self.w.client_a.uuid})
        response = http.post(url, {"start": "2031-05-12T18:00", "mode": "in_person"})
        appointment = Appointment.objects.get()
        self.assertRedirects(response, reverse("bookings:appointment", kwargs={"appointment_uuid": appointment.uuid}))
        self.assertEqual(appointment.start, datetime(2031, 5, 12, 17, 0, tzinfo=UTC))  # 18:00 BST
        again = http.post(url, {"start": "2031-05-12T18:30", "mode": "in_person"})
        self.assertContains(again, "that time was just taken", status_code=400)
        self.assertContains(again, 'value="2031-05-12T18:30"', status_code=400)

    def test_a_colleague_cannot_book_for_someone_elses_client(self):
        response = self.as_("colleague").get(
            reverse("bookings:book_for_client", kwargs={"client_uuid": self.w.client_a.uuid})
        )
        self.assertEqual(response.status_code, 404)

    def test_uncancelling_into_a_time_taken_since_is_refused_kindly(self):
        slot = free_slots(self.w.therapist, Kind.SESSION)[10]
        first = session_book(client=self.w.client_a, start=slot.start, mode="online", by="client")
        http = self.as_("therapist")
        http.post(reverse("bookings:appointment_action", kwargs={"appointment_uuid": first.uuid, "action": "cancel"}))
        session_book(client=self.w.client_b, start=slot.start, mode="online", by="client")
        response = http.post(
            reverse("bookings:appointment_action", kwargs={"appointment_uuid": first.uuid, "action": "restore"}),
            follow=True,
        )
        self.assertContains(response, "booked since")
        first.refresh_from_db()
        self.assertEqual(first.status, Appointment.Status.CANCELLED)

    def test_the_agenda_takes_a_fixed_number_of_queries(self):
        slots = free_slots(self.w.therapist, Kind.SESSION)
        for n, client in enumerate([self.w.client_a, self.w.client_b]):
            session_book(client=client, start=slots[n * 3].start, mode="online", by="client")
        http = self.as_("therapist")
        http.get(reverse("bookings:agenda"))  # warm the session
        with self.assertNumQueries(5):  # and the count of open alerts in the navigation
            response = http.get(reverse("bookings:agenda"))
        self.assertContains(response, "Cara Client")
        self.assertContains(response, "Dev Client")


@time_machine.travel(NOW, tick=False)
class OutcomeTests(TendingTestCase):
    def setUp(self):
        open_every_day(self.w.therapist, minimum_notice_hours=0)
        slot = free_slots(self.w.therapist, Kind.CONSULTATION)[0]
        self.result = consultation_book(
            practice=self.w.practice,
            therapists=[self.w.therapist],
            start=slot.start,
            name="Rae",
            email="rae@example.test",
            note="Sleep",
        )
        self.appointment = self.result.appointment

    def test_good_fit_sends_the_foundation_client_invitation(self):
        url = reverse("bookings:appointment_outcome", kwargs={"appointment_uuid": self.appointment.uuid})
        with self.captureOnCommitCallbacks(execute=True):
            self.as_("therapist").post(url, {"outcome": "good_fit"})
        invitation = Invitation.objects.get(email="rae@example.test")
        self.assertEqual(invitation.role, Invitation.Role.CLIENT)
        self.assertEqual(invitation.therapist, self.w.therapist)
        self.appointment.consultation.refresh_from_db()
        self.assertEqual(self.appointment.consultation.invitation, invitation)
        self.assertEqual(mail.outbox[-1].to, ["rae@example.test"])

    def test_a_client_accepting_the_invitation_links_their_consultation(self):
        url = reverse("bookings:appointment_outcome", kwargs={"appointment_uuid": self.appointment.uuid})
        with self.captureOnCommitCallbacks(execute=True):
            self.as_("therapist").post(url, {"outcome": "good_fit"})
        token = re.search(r"/accounts/invitation/([^/\s]+)/", mail.outbox[-1].body).group(1)
        user = invitation_accept(token=token, name="Rae", password="river-stones-at-dusk")
        consultation = Consultation.objects.get(pk=self.appointment.consultation_id)
        self.assertEqual(consultation.converted_client, user.client)
        # Linked, it is kept past the 90 days.
        self.assertEqual(consultations_purge(now=NOW + timedelta(days=91)), 0)

    def test_not_now_sends_a_kind_email_with_other_help_when_asked(self):
        BookingSettings.objects.update_or_create(
            practice=self.w.practice, defaults={"other_help": "Your GP; Mind 0300 123 3393"}
        )
        url = reverse("bookings:appointment_outcome", kwargs={"appointment_uuid": self.appointment.uuid})
        with self.captureOnCommitCallbacks(execute=True):
            self.as_("therapist").post(url, {"outcome": "not_now", "include_other_help": "on"})
        body = mail.outbox[-1].body
        self.assertIn("Mind 0300 123 3393", body)
        self.assertIn("isn't a judgement", body)
        self.assertNotIn("Sleep", body)
        self.assertFalse(Invitation.objects.exists())

    def test_the_consultation_note_read_is_audited(self):
        self.as_("therapist").get(reverse("bookings:appointment", kwargs={"appointment_uuid": self.appointment.uuid}))
        self.assertTrue(AuditEvent.objects.filter(action="read", object_type="bookings.consultation").exists())

    def test_unconverted_requests_are_deleted_after_ninety_days_and_converted_ones_kept(self):
        kept_slot = free_slots(self.w.therapist, Kind.CONSULTATION)[3]
        kept = consultation_book(
            practice=self.w.practice,
            therapists=[self.w.therapist],
            start=kept_slot.start,
            name="Sol",
            email="sol@example.test",
        ).consultation
        kept.converted_client = self.w.client_a
        kept.save(update_fields=["converted_client"])
        self.assertEqual(consultations_purge(now=NOW + timedelta(days=89)), 0)
        self.assertEqual(consultations_purge(now=NOW + timedelta(days=91)), 1)
        self.assertEqual(list(Consultation.objects.all()), [kept])
        self.assertFalse(Appointment.objects.filter(consultation__email="rae@example.test").exists())


@time_machine.travel(NOW, tick=False)
class ReminderAndNudgeTests(TendingTestCase):
    def setUp(self):
        open_every_day(self.w.therapist, minimum_notice_hours=0)

    def test_reminders_go_once_to_clients_who_chose_them_and_say_nothing_clinical(self):
        consent_record(client=self.w.client_a, kind="email_reminders", granted=True)
        slots = free_slots(self.w.therapist, Kind.SESSION)
        tomorrow = next(s for s in slots if timedelta(hours=23) < s.start - NOW <= timedelta(hours=24))
        cara = session_book(client=self.w.client_a, start=tomorrow.start, mode="online", by="client")
        session_book(client=self.w.client_b, start=tomorrow.start + timedelta(hours=1), mode="online", by="client")
        mail.outbox.clear()
        with self.captureOnCommitCallbacks(execute=True):  # the outbox sends once the reminder is committed
            self.assertEqual(enqueue_due_reminders(), 2)  # Dev's task runs but sends nothing: no consent
        self.assertEqual(len(mail.outbox), 1)
        self.assertEqual(mail.outbox[0].to, ["cara@willow.test"])
        self.assertIn("gentle reminder", mail.outbox[0].body)
        cara.refresh_from_db()
        self.assertIsNotNone(cara.reminder_sent_at)
        enqueue_due_reminders()
        self.assertEqual(len(mail.outbox), 1)

    def test_the_tick_command_runs_reminders_nudges_and_the_purge(self):
        out = StringIO()
        call_command("bookings_tick", stdout=out)
        self.assertEqual(json.loads(out.getvalue()), {"reminders": 0, "nudges": 0, "purged": 0})
        self.assertEqual(Appointment.objects.count(), 0)

    def test_the_reminders_and_the_purge_run_as_their_own_jobs(self):
        consent_record(client=self.w.client_a, kind="email_reminders", granted=True)
        slots = free_slots(self.w.therapist, Kind.SESSION)
        slot = next(s for s in slots if timedelta(hours=1) < s.start - NOW < timedelta(hours=24))
        session_book(client=self.w.client_a, start=slot.start, mode="online", by="client")
        reminders, purge = StringIO(), StringIO()
        call_command("bookings_reminders", stdout=reminders)
        call_command("bookings_purge", stdout=purge)
        self.assertEqual(json.loads(reminders.getvalue()), {"reminders": 1, "nudges": 0})
        self.assertEqual(json.loads(purge.getvalue()), {"purged": 0})

    def test_paused_care_sends_nothing(self):
        consent_record(client=self.w.client_a, kind="email_reminders", granted=True)
        self.w.client_a.care_status = "paused"
        self.w.client_a.save(update_fields=["care_status"])
        slot = next(s for s in free_slots(self.w.therapist, Kind.SESSION) if s.start - NOW < timedelta(hours=24))
        mail.outbox.clear()
        with self.captureOnCommitCallbacks(execute=True):
            session_book(client=self.w.client_a, start=slot.start, mode="online", by="therapist")
        enqueue_due_reminders()
        self.assertEqual(mail.outbox, [])

    def test_the_nudge_comes_only_when_chosen_after_the_chosen_gap_and_once(self):
        start = NOW - timedelta(days=30)
        Appointment.objects.create(
            practice=self.w.practice,
            therapist=self.w.therapist,
            client=self.w.client_a,
            start=start,
            end=start + timedelta(minutes=50),
            blocked_until=start + timedelta(minutes=60),
        )
        self.assertEqual(enqueue_nudges(), 0)  # off by default
        consent_record(client=self.w.client_a, kind="booking_nudge", granted=True, gap_days=42)
        self.assertEqual(enqueue_nudges(), 0)  # 30 days is within the 42 chosen
        consent_record(client=self.w.client_a, kind="booking_nudge", granted=True, gap_days=28)
        mail.outbox.clear()
        with self.captureOnCommitCallbacks(execute=True):
            self.assertEqual(enqueue_nudges(), 1)
        self.assertIn("Shall we book a check-in?", mail.outbox[0].body)
        self.assertEqual(enqueue_nudges(), 0)
        self.assertEqual(NudgeSent.objects.count(), 1)


@time_machine.travel(NOW, tick=False)
class CareTests(TendingTestCase):
    def test_the_therapist_pauses_and_ends_care_with_dates_and_ending_cancels_later_sessions(self):
        open_every_day(self.w.therapist)
        slots = free_slots(self.w.therapist, Kind.SESSION)
        later = session_book(client=self.w.client_a, start=slots[20].start, mode="online", by="client")
        http = self.as_("therapist")
        url = reverse("bookings:care", kwargs={"client_uuid": self.w.client_a.uuid})
        http.post(url, {"status": "paused", "since": "2031-05-05"})
        self.w.client_a.refresh_from_db()
        self.assertEqual(
            (self.w.client_a.care_status, str(self.w.client_a.care_status_since)), ("paused", "2031-05-05")
        )
        later.refresh_from_db()
        self.assertTrue(later.is_active)
        http.post(url, {"status": "ended", "since": "2031-05-06"})
        later.refresh_from_db()
        self.assertEqual(later.status, Appointment.Status.CANCELLED)
        self.assertEqual(
            list(CareChange.objects.order_by("since").values_list("status", "since")),
            [("paused", datetime(2031, 5, 5).date()), ("ended", datetime(2031, 5, 6).date())],
        )
        page = self.as_("client_a").get(reverse("bookings:mine"))
        self.assertContains(page, "Our work together has ended")
        self.assertNotContains(page, "Book a session when you're ready")

    def test_a_bad_date_keeps_the_choice_and_explains(self):
        response = self.as_("therapist").post(
            reverse("bookings:care", kwargs={"client_uuid": self.w.client_a.uuid}),
            {"status": "paused", "since": "soon"},
        )
        self.assertContains(response, "Enter a valid date", status_code=400)
        self.w.client_a.refresh_from_db()
        self.assertEqual(self.w.client_a.care_status, "active")

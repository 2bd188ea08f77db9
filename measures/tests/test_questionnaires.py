import datetime as dt
from io import StringIO

import time_machine
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from bookings.models import Appointment
from measures.models import MeasureRequest, MeasureResponse
from measures.selectors import (
    changes_for_client,
    clients_with_reliable_deterioration,
    first_and_latest_of,
    first_and_latest_totals,
    returned_since_last_session,
)
from measures.services import measure_request_open, measure_requests_open_due, measure_response_record, measure_send
from practice.models import Client
from risk.models import RiskAlert
from tending.testing.factories import session_for
from tending.testing.personas import TendingTestCase

NOW = dt.datetime(2026, 11, 18, 10, 0, tzinfo=dt.UTC)


def answers(**items):
    """A PHQ-9 answer vector with the given items (1-based, e.g. i9=1) set."""
    vector = [0] * 9
    for key, value in items.items():
        vector[int(key[1:]) - 1] = value
    return vector


class SendAndFillTests(TendingTestCase):
    def send(self, instrument="phq9", rhythm="once"):
        with self.captureOnCommitCallbacks(execute=True):
            response = self.as_("therapist").post(
                reverse("measures:send", kwargs={"client_uuid": self.w.client_a.uuid}),
                {"instrument": instrument, "rhythm": rhythm},
            )
        self.assertEqual(response.status_code, 302)
        return MeasureRequest.objects.pending().get(client=self.w.client_a, instrument=instrument)

    def test_the_therapist_sends_a_questionnaire_and_the_client_is_told_without_details(self):
        self.send("gad7")
        self.assertEqual(len(mail.outbox), 1)
        message = mail.outbox[0]
        self.assertEqual(message.to, ["cara@willow.test"])
        for detail in ("GAD", "anxiety", "PHQ"):
            self.assertNotIn(detail, message.subject + message.body)
        home = self.as_("client_a").get(reverse("practice:client_home"))
        self.assertContains(home, "A questionnaire from your therapist")
        self.assertContains(home, "Generalized Anxiety Disorder 7-item scale (GAD-7)")

    def test_the_form_shows_why_we_ask_the_attribution_and_a_way_to_leave_it_for_later(self):
        measure_request = self.send("phq9")
        page = self.as_("client_a").get(reverse("measures:fill", kwargs={"request_uuid": measure_request.uuid}))
        self.assertContains(page, "Why we ask")
        self.assertContains(page, "Leave it for later")
        self.assertContains(page, "No permission required to reproduce, translate, display or distribute.")
        self.assertContains(page, "Thoughts that you would be better off dead or of hurting yourself in some way")

    def test_an_incomplete_form_is_not_scored_and_keeps_what_was_answered(self):
        measure_request = self.send("gad7")
        url = reverse("measures:fill", kwargs={"request_uuid": measure_request.uuid})
        response = self.as_("client_a").post(url, {"item_1": "2", "item_2": "1"})
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "A few questions still need an answer.")
        self.assertContains(response, "This one still needs an answer.", count=5)
        self.assertContains(response, 'value="2" id="id_item_1_2" required checked')
        self.assertFalse(MeasureResponse.objects.exists())

    def test_one_question_left_is_named_in_the_singular(self):
        measure_request = self.send("gad7")
        url = reverse("measures:fill", kwargs={"request_uuid": measure_request.uuid})
        answers = {f"item_{n}": "1" for n in range(1, 7)}
        response = self.as_("client_a").post(url, answers)
        self.assertContains(response, "One question still needs an answer. It&#x27;s marked below")
        self.assertNotContains(response, "A few questions")
        self.assertContains(response, "This one still needs an answer.", count=1)

    def test_a_complete_form_is_stored_raw_with_its_version_and_derived_scores(self):
        measure_request = self.send("phq15")
        data = {f"item_{n}": "1" for n in range(1, 16)}
        data["item_4"] = "na"
        response = self.as_("client_a").post(
            reverse("measures:fill", kwargs={"request_uuid": measure_request.uuid}), data
        )
        self.assertRedirects(response, reverse("journey:mine"), fetch_redirect_response=False)
        stored = MeasureResponse.objects.get()
        self.assertEqual(stored.answers, [1, 1, 1, None] + [1] * 11)
        self.assertEqual((stored.instrument_version, stored.total, stored.band), ("phq15-2002.1", 14, "medium"))
        measure_request.refresh_from_db()
        self.assertIsNotNone(measure_request.completed_at)
        # The finished questionnaire is no longer offered.
        self.assertEqual(
            self.as_("client_a")
            .get(reverse("measures:fill", kwargs={"request_uuid": measure_request.uuid}))
            .status_code,
            404,
        )

    def test_question_nine_shows_warm_support_at_once_and_alerts_the_therapist(self):
        measure_request = self.send("phq9")
        mail.outbox.clear()
        data = {f"item_{n}": "0" for n in range(1, 10)}
        data["item_9"] = "1"
        with self.captureOnCommitCallbacks(execute=True):
            response = self.as_("client_a").post(
                reverse("measures:fill", kwargs={"request_uuid": measure_request.uuid}), data, follow=True
            )
        self.assertEqual(response.redirect_chain[-1][0], reverse("measures:support"))
        self.assertContains(response, "you don't have to hold it alone")
        self.assertContains(response, "Samaritans")
        self.assertContains(response, 'href="tel:116123"')
        self.assertContains(response, 'href="/safety-plan/"')
        text = response.content.decode().lower()
        for phrase in ("no risk", "low risk", "you are safe"):
            self.assertNotIn(phrase, text)
        alert = RiskAlert.objects.get(client=self.w.client_a)
        self.assertEqual((alert.source, alert.source_id), ("phq9_item9", str(MeasureResponse.objects.get().uuid)))
        self.assertEqual([m.to for m in mail.outbox], [["ana@willow.test"]])

    def test_the_therapist_reads_item_level_detail_and_the_read_is_audited(self):
        response = measure_response_record(client=self.w.client_a, instrument="scs_sf", answers=[3] * 12)
        page = self.as_("therapist").get(reverse("measures:response", kwargs={"response_uuid": response.uuid}))
        self.assertContains(page, "3.00")
        self.assertContains(page, "Moderate")
        self.assertContains(page, '<th scope="row">Self-kindness</th>', html=False)
        self.assertTrue(
            AuditEvent.objects.filter(
                action="read", object_type="measures.measureresponse", object_id=str(response.uuid)
            ).exists()
        )


class RhythmTests(TendingTestCase):
    def test_a_fortnightly_questionnaire_opens_again_two_weeks_after_the_last_one(self):
        with time_machine.travel(NOW, tick=False):
            _, first = measure_send(
                client=self.w.client_a, instrument="who5", rhythm="fortnightly", sent_by=self.w.therapist
            )
            measure_response_record(client=self.w.client_a, instrument="who5", answers=[3] * 5, measure_request=first)
        with time_machine.travel(NOW + dt.timedelta(days=13), tick=False):
            self.assertEqual(measure_requests_open_due(), 0)
        with time_machine.travel(NOW + dt.timedelta(days=14), tick=False):
            self.assertEqual(measure_requests_open_due(), 1)
            self.assertEqual(measure_requests_open_due(), 0)  # never two waiting at once
        self.assertEqual(MeasureRequest.objects.pending().filter(client=self.w.client_a).count(), 1)

    def test_before_each_session_opens_a_few_days_before_the_next_session(self):
        start = NOW + dt.timedelta(days=5)
        with time_machine.travel(NOW, tick=False):
            session_for(self.w.client_a, start)
            measure_send(client=self.w.client_a, instrument="gad7", rhythm="before_session", sent_by=self.w.therapist)
            self.assertFalse(MeasureRequest.objects.pending().exists())
        with time_machine.travel(NOW + dt.timedelta(days=3), tick=False):
            self.assertEqual(measure_requests_open_due(), 1)

    def test_a_client_never_has_two_of_the_same_questionnaire_waiting(self):
        one = measure_request_open(client=self.w.client_a, instrument="phq9")
        two = measure_request_open(client=self.w.client_a, instrument="phq9")
        self.assertEqual(one.pk, two.pk)

    def test_stopping_a_rhythm_withdraws_what_is_waiting(self):
        schedule, _ = measure_send(
            client=self.w.client_a, instrument="who5", rhythm="four_weekly", sent_by=self.w.therapist
        )
        self.as_("therapist").post(reverse("measures:stop", kwargs={"schedule_uuid": schedule.uuid}))
        self.assertFalse(MeasureRequest.objects.pending().exists())
        self.assertEqual(measure_requests_open_due(now=timezone.now() + dt.timedelta(days=60)), 0)


class SelectorTests(TendingTestCase):
    def record(self, client, instrument, vector, days_ago):
        return measure_response_record(
            client=client, instrument=instrument, answers=vector, completed_at=NOW - dt.timedelta(days=days_ago)
        )

    def test_first_and_latest_totals_and_changes(self):
        self.record(self.w.client_a, "phq9", answers(i1=3, i2=3, i3=3, i4=3), 60)
        self.record(self.w.client_a, "phq9", answers(i1=2, i2=2), 30)
        self.record(self.w.client_a, "phq9", answers(i1=1), 1)
        with self.assertNumQueries(1):
            totals = first_and_latest_totals([self.w.client_a.pk, self.w.client_b.pk])
        self.assertEqual(totals, {self.w.client_a.pk: {"phq9": (12, 1)}, self.w.client_b.pk: {}})
        # One client's, as a kept read: the same answer, a questionnaire of SCS-SF's means (not whole) included.
        self.record(self.w.client_a, "scs_sf", [3, 4, 2, 5, 3, 3, 4, 2, 3, 4, 5, 1], 20)
        self.record(self.w.client_a, "scs_sf", [4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4], 2)
        with self.assertNumQueries(1):
            one = first_and_latest_of(self.w.client_a)
        self.assertEqual(one, first_and_latest_totals([self.w.client_a.pk])[self.w.client_a.pk])
        self.assertEqual(set(one), {"phq9", "scs_sf"})
        self.assertEqual(first_and_latest_of(self.w.client_b), {})
        self.assertEqual(first_and_latest_of(self.w.client_a, ("gad7", "phq9")), {"phq9": (12, 1)})
        change = changes_for_client(self.w.client_a)["phq9"]
        self.assertEqual((change["reliable_change"], change["recovered"]), ("improved", True))

    def test_reliable_deterioration_is_found_for_the_caseload(self):
        self.record(self.w.client_a, "gad7", [0] * 7, 40)
        self.record(self.w.client_a, "gad7", [1, 1, 1, 1, 0, 0, 0], 2)  # +4
        self.record(self.w.client_b, "gad7", [0] * 7, 40)
        self.record(self.w.client_b, "gad7", [1, 1, 1, 0, 0, 0, 0], 2)  # +3

        with self.assertNumQueries(2):
            found = clients_with_reliable_deterioration(Client.objects.filter(therapist=self.w.therapist))
        self.assertEqual(found, [self.w.client_a])

    def test_forms_returned_since_the_last_session(self):
        session_for(self.w.client_a, NOW - dt.timedelta(days=7), status=Appointment.Status.COMPLETED)
        self.record(self.w.client_a, "who5", [2] * 5, 10)
        newer = self.record(self.w.client_a, "who5", [3] * 5, 3)
        only = self.record(self.w.client_b, "who5", [3] * 5, 20)
        with self.assertNumQueries(2):
            found = returned_since_last_session([self.w.client_a, self.w.client_b], now=NOW)
        self.assertEqual(found, {self.w.client_a.pk: [newer], self.w.client_b.pk: [only]})


class DueCommandTests(TendingTestCase):
    def test_measures_due_opens_what_a_rhythm_has_brought_round(self):
        with time_machine.travel(NOW, tick=False):
            _, first = measure_send(
                client=self.w.client_b, instrument="gad7", rhythm="fortnightly", sent_by=self.w.therapist
            )
            measure_response_record(client=self.w.client_b, instrument="gad7", answers=[0] * 7, measure_request=first)
        out = StringIO()
        with time_machine.travel(NOW + dt.timedelta(days=15), tick=False):
            call_command("measures", "due", stdout=out)
        self.assertEqual(out.getvalue().strip(), "Opened 1 questionnaire(s).")
        self.assertTrue(MeasureRequest.objects.pending().filter(client=self.w.client_b, instrument="gad7").exists())

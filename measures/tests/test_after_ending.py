"""No questionnaires after our work together has ended (issue 21): ending care stops every rhythm and
withdraws what is waiting, in the same transaction; the due job opens none; sending one is refused with a
kind word on the therapist's page; question 9 answered after the ending alerts nobody. A paused client's
questionnaires are unchanged."""

import datetime as dt

from django.db import transaction
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from measures.models import MeasureRequest, MeasureSchedule
from measures.panels import record_panel
from measures.services import CareEnded, measure_requests_open_due, measure_response_record, measure_send
from practice.care_status import care_status_change
from risk.models import RiskAlert
from tending.testing.personas import TendingTestCase

LATER = dt.timedelta(days=60)


class QuestionnairesAfterTheEndingTests(TendingTestCase):
    def setUp(self):
        self.cara = self.w.client_a

    def send(self, instrument="who5", rhythm="fortnightly"):
        return measure_send(client=self.cara, instrument=instrument, rhythm=rhythm, sent_by=self.w.therapist)

    def set_care(self, status):
        care_status_change(client=self.cara, status=status, since=self.w.therapist.today(), staff=self.w.therapist)
        self.cara.refresh_from_db()

    def test_ending_care_stops_the_rhythms_and_withdraws_what_is_waiting_in_the_same_transaction(self):
        self.send("who5", "fortnightly")
        self.send("gad7", "four_weekly")
        self.send("phq9", "once")
        self.assertEqual(MeasureRequest.objects.pending().count(), 3)
        with transaction.atomic():
            self.set_care(self.cara.CareStatus.ENDED)
            # Already done inside the transaction that ends care.
            self.assertFalse(MeasureSchedule.objects.active().filter(client=self.cara).exists())
            self.assertFalse(MeasureRequest.objects.pending().filter(client=self.cara).exists())
        self.assertEqual(MeasureRequest.objects.filter(withdrawn_at__isnull=False).count(), 3)
        self.assertFalse(self.as_("client_a").get(reverse("measures:list")).context["pending"])

    def test_the_due_job_opens_nothing_for_a_client_whose_care_has_ended(self):
        schedule, _ = self.send("who5", "fortnightly")
        self.set_care(self.cara.CareStatus.ENDED)
        # Even a rhythm left active (made before this rule, or by hand) is never opened.
        MeasureSchedule.objects.filter(pk=schedule.pk).update(active=True)
        self.assertEqual(measure_requests_open_due(now=timezone.now() + LATER), 0)
        self.assertFalse(MeasureRequest.objects.pending().exists())

    def test_sending_to_a_client_whose_care_has_ended_is_refused_kindly(self):
        self.set_care(self.cara.CareStatus.ENDED)
        with self.assertRaises(CareEnded):
            self.send()
        url = reverse("measures:send", kwargs={"client_uuid": self.cara.uuid})
        http = self.as_("therapist")
        response = http.post(url, {"instrument": "phq9", "rhythm": "once"})
        self.assertIn(response.status_code, (400, 404))  # never a 500: refused, or not theirs to open now
        if response.status_code == 400:
            self.assertContains(response, "questionnaires are no longer sent", status_code=400)
            self.assertContains(http.get(url), "questionnaires are no longer sent")
        self.assertFalse(MeasureSchedule.objects.exists())
        self.assertFalse(MeasureRequest.objects.exists())

    def test_the_therapists_panel_says_so_instead_of_offering_to_send(self):
        request = RequestFactory().get("/")
        request.user, request.staff = self.w.therapist.user, self.w.therapist
        self.assertIn(
            reverse("measures:send", kwargs={"client_uuid": self.cara.uuid}), record_panel(request, self.cara)
        )
        self.set_care(self.cara.CareStatus.ENDED)
        panel = record_panel(request, self.cara)
        self.assertIn("questionnaires are no longer sent", panel)
        self.assertNotIn(reverse("measures:send", kwargs={"client_uuid": self.cara.uuid}), panel)

    def test_question_nine_answered_after_the_ending_alerts_nobody(self):
        self.set_care(self.cara.CareStatus.ENDED)
        response = measure_response_record(client=self.cara, instrument="phq9", answers=[0] * 8 + [2])
        self.assertTrue(response.risk_flag)
        self.assertFalse(RiskAlert.objects.exists())
        support = self.as_("client_a").get(reverse("measures:support"))
        self.assertContains(support, "nobody at the practice will see this")
        self.assertContains(support, "tel:116123")
        self.assertNotContains(support, "know, so")

    def test_a_paused_client_is_unchanged(self):
        self.send("who5", "fortnightly")
        self.set_care(self.cara.CareStatus.PAUSED)
        self.assertTrue(MeasureSchedule.objects.active().filter(client=self.cara).exists())
        self.assertEqual(MeasureRequest.objects.pending().count(), 1)
        MeasureRequest.objects.update(completed_at=timezone.now())
        self.assertEqual(measure_requests_open_due(now=timezone.now() + LATER), 1)
        measure_response_record(client=self.cara, instrument="phq9", answers=[0] * 8 + [2])
        self.assertEqual(RiskAlert.objects.count(), 1)

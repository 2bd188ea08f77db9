import datetime as dt
from zoneinfo import ZoneInfo

import time_machine
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test import override_settings
from django.urls import reverse

from audit.models import AuditEvent
from practice.models import AwayPeriod
from risk.models import RiskAlert
from risk.services import add_working_hours, risk_alert_escalate, risk_alert_raise, risk_escalate_due
from tending.testing.personas import TendingTestCase

LONDON = ZoneInfo("Europe/London")
# A Wednesday morning.
WEDNESDAY = dt.datetime(2026, 11, 18, 9, 30, tzinfo=LONDON)


def actions_for(alert):
    return list(
        AuditEvent.objects.filter(object_type="risk.riskalert", object_id=str(alert.uuid))
        .order_by("id")
        .values_list("action", flat=True)
    )


class WorkingTimeTests(TendingTestCase):
    def test_one_working_day_from_a_wednesday_is_thursday_at_the_same_time(self):
        self.assertEqual(add_working_hours(WEDNESDAY, 24, LONDON), WEDNESDAY + dt.timedelta(days=1))

    def test_one_working_day_from_friday_afternoon_is_monday_afternoon(self):
        friday = dt.datetime(2026, 11, 20, 16, 0, tzinfo=LONDON)
        self.assertEqual(add_working_hours(friday, 24, LONDON), dt.datetime(2026, 11, 23, 16, 0, tzinfo=LONDON))

    def test_an_alert_raised_at_the_weekend_waits_for_a_whole_working_day(self):
        saturday = dt.datetime(2026, 11, 21, 10, 0, tzinfo=LONDON)
        self.assertEqual(add_working_hours(saturday, 24, LONDON), dt.datetime(2026, 11, 24, 0, 0, tzinfo=LONDON))


class RaiseTests(TendingTestCase):
    def raise_for_a(self):
        with self.captureOnCommitCallbacks(execute=True):
            return risk_alert_raise(client=self.w.client_a, source="phq9_item9", source_id="x1")

    def test_raising_an_alert_emails_the_therapist_with_no_clinical_detail(self):
        with time_machine.travel(WEDNESDAY, tick=False):
            alert = self.raise_for_a()
        self.assertEqual(alert.therapist, self.w.therapist)
        self.assertEqual(alert.escalate_after, WEDNESDAY + dt.timedelta(days=1))
        self.assertEqual(len(mail.outbox), 1)
        message = mail.outbox[0]
        self.assertEqual(message.to, ["ana@willow.test"])
        self.assertIn(reverse("risk:alert", kwargs={"alert_uuid": alert.uuid}), message.body)
        for secret in ("Cara", "PHQ", "question 9", "suicid", "harm"):
            self.assertNotIn(secret.lower(), (message.subject + message.body).lower())
        self.assertEqual(actions_for(alert), ["create", "notify"])

    def test_an_unknown_source_is_refused(self):
        with self.assertRaises(ValueError):
            risk_alert_raise(client=self.w.client_a, source="horoscope")

    def test_the_alert_is_pinned_on_the_therapists_home_until_acknowledged(self):
        alert = self.raise_for_a()
        home = self.as_("therapist").get(reverse("caseload:home"))
        self.assertContains(home, "Needs your attention now")
        self.assertContains(home, reverse("risk:alert", kwargs={"alert_uuid": alert.uuid}))
        colleague_home = self.as_("colleague").get(reverse("caseload:home"))
        self.assertNotContains(colleague_home, "Needs your attention now")

        response = self.as_("therapist").post(
            reverse("risk:acknowledge", kwargs={"alert_uuid": alert.uuid}),
            {"action_taken": "assessed", "note": "Spoke at 11."},
        )
        self.assertRedirects(response, reverse("risk:alert", kwargs={"alert_uuid": alert.uuid}))
        alert.refresh_from_db()
        self.assertEqual(
            (alert.action_taken, alert.note, alert.acknowledged_by), ("assessed", "Spoke at 11.", self.w.therapist.user)
        )
        self.assertNotContains(self.as_("therapist").get(reverse("caseload:home")), "Needs your attention now")
        self.assertIn("acknowledge", actions_for(alert))

    def test_acknowledging_without_saying_what_was_done_keeps_the_alert_open_with_a_kind_message(self):
        alert = self.raise_for_a()
        url = reverse("risk:acknowledge", kwargs={"alert_uuid": alert.uuid})
        response = self.as_("therapist").post(url, {"action_taken": "other", "note": "  "})
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Please say briefly what you did.")
        response = self.as_("therapist").post(url, {"action_taken": "made-up"})
        self.assertContains(response, "Select a valid choice")
        alert.refresh_from_db()
        self.assertTrue(alert.is_open)

    def test_the_note_is_encrypted_at_rest(self):
        alert = self.raise_for_a()
        self.as_("therapist").post(
            reverse("risk:acknowledge", kwargs={"alert_uuid": alert.uuid}),
            {"action_taken": "other", "note": "Called her GP"},
        )
        with connection.cursor() as cursor:
            cursor.execute("SELECT note FROM risk_riskalert WHERE id = %s", [alert.pk])
            stored = cursor.fetchone()[0]
        # The whole phrase: two letters alone turn up in random ciphertext now and then.
        self.assertNotIn("Called her GP", stored)
        self.assertTrue(stored.startswith("v2:"))


class EscalationTests(TendingTestCase):
    def test_an_alert_left_open_for_a_working_day_goes_to_the_owner(self):
        with time_machine.travel(WEDNESDAY, tick=False):
            with self.captureOnCommitCallbacks(execute=True):
                alert = risk_alert_raise(client=self.w.client_a, source="phq9_item9")
        mail.outbox.clear()
        with time_machine.travel(WEDNESDAY + dt.timedelta(hours=23, minutes=59), tick=False):
            self.assertEqual(risk_escalate_due(), 0)
        with time_machine.travel(WEDNESDAY + dt.timedelta(days=1, minutes=1), tick=False):
            with self.captureOnCommitCallbacks(execute=True):
                self.assertEqual(risk_escalate_due(), 1)
                self.assertEqual(risk_escalate_due(), 0)  # never twice
            alert.refresh_from_db()
            self.assertIsNotNone(alert.escalated_at)
            self.assertEqual([m.to for m in mail.outbox], [["olive@willow.test"]])
            self.assertEqual(actions_for(alert), ["create", "notify", "escalate", "notify"])
            # The owner now sees it and may acknowledge it; a colleague still cannot.
            url = reverse("risk:alert", kwargs={"alert_uuid": alert.uuid})
            self.assertEqual(self.as_("owner").get(url).status_code, 200)
            self.assertEqual(self.as_("colleague").get(url).status_code, 404)
            self.assertContains(self.as_("owner").get(reverse("risk:list")), "Cara")

    def test_an_acknowledged_alert_is_never_escalated(self):
        with time_machine.travel(WEDNESDAY, tick=False):
            alert = risk_alert_raise(client=self.w.client_a, source="journal_words")
            self.as_("therapist").post(
                reverse("risk:acknowledge", kwargs={"alert_uuid": alert.uuid}), {"action_taken": "contacted"}
            )
        with time_machine.travel(WEDNESDAY + dt.timedelta(days=3), tick=False):
            self.assertEqual(risk_escalate_due(), 0)

    def test_an_alert_for_an_away_therapists_client_goes_to_the_owner_at_once(self):
        today = self.w.therapist.today()
        AwayPeriod.objects.create(staff=self.w.therapist, starts_on=today, ends_on=today, created_by=self.w.therapist)
        with self.captureOnCommitCallbacks(execute=True):
            alert = risk_alert_raise(client=self.w.client_a, source="phq9_item9")
        self.assertIsNotNone(alert.escalated_at)
        self.assertEqual([m.to[0] for m in mail.outbox], ["olive@willow.test"])
        self.assertIn("Ana Therapist, their therapist, is away", mail.outbox[0].body)

    @override_settings(TENDING_RISK_ESCALATE_HOURS=2)
    def test_the_escalation_time_is_configurable(self):
        with time_machine.travel(WEDNESDAY, tick=False):
            alert = risk_alert_raise(client=self.w.client_a, source="phq9_item9")
        self.assertEqual(alert.escalate_after, WEDNESDAY + dt.timedelta(hours=2))
        with time_machine.travel(WEDNESDAY + dt.timedelta(hours=2), tick=False):
            call_command("risk_escalate", stdout=open("/dev/null", "w"))  # noqa: SIM115
        self.assertIsNotNone(RiskAlert.objects.get(pk=alert.pk).escalated_at)


class AcknowledgeAccessTests(TendingTestCase):
    def test_an_owner_may_acknowledge_an_escalated_alert_but_not_one_still_with_the_therapist(self):
        open_alert = risk_alert_raise(client=self.w.client_a, source="journal_words")
        escalated = risk_alert_raise(client=self.w.client_b, source="phq9_item9")
        risk_alert_escalate(alert=escalated)
        owner = self.as_("owner")
        refused = owner.post(
            reverse("risk:acknowledge", kwargs={"alert_uuid": open_alert.uuid}), {"action_taken": "arranged"}
        )
        self.assertEqual(refused.status_code, 404)
        owner.post(reverse("risk:acknowledge", kwargs={"alert_uuid": escalated.uuid}), {"action_taken": "arranged"})
        escalated.refresh_from_db()
        open_alert.refresh_from_db()
        self.assertEqual((escalated.action_taken, escalated.acknowledged_by), ("arranged", self.w.owner.user))
        self.assertTrue(open_alert.is_open)

    def test_acknowledging_twice_keeps_the_first_record(self):
        alert = risk_alert_raise(client=self.w.client_a, source="journal_words")
        url = reverse("risk:acknowledge", kwargs={"alert_uuid": alert.uuid})
        self.as_("therapist").post(url, {"action_taken": "contacted"})
        response = self.as_("therapist").post(url, {"action_taken": "referred"}, follow=True)
        self.assertContains(response, "This alert was already acknowledged.")
        alert.refresh_from_db()
        self.assertEqual(alert.action_taken, "contacted")

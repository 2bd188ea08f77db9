"""Escalation reaches a person in every shape of practice: owners, no owner, and a practice of one."""

import datetime as dt
from zoneinfo import ZoneInfo

import time_machine
from django.core import mail
from django.test import TestCase
from django.urls import reverse

from outbox.models import Email
from risk.services import risk_alert_raise, risk_escalate_due
from tending.testing.factories import ClientFactory, PracticeFactory, StaffFactory, UserFactory
from tending.testing.personas import TendingTestCase

LONDON = ZoneInfo("Europe/London")
WEDNESDAY = dt.datetime(2026, 11, 18, 9, 30, tzinfo=LONDON)
A_WORKING_DAY_LATER = WEDNESDAY + dt.timedelta(days=1, minutes=1)


def signed_in(test, user):
    test.client.force_login(user, backend="accounts.backends.ModelBackend")
    return test.client


class OwnersSeeEscalationsWithoutEmailTests(TendingTestCase):
    def test_an_escalated_alert_is_counted_in_the_owners_navigation_and_shown_on_their_home(self):
        with time_machine.travel(WEDNESDAY, tick=False):
            alert = risk_alert_raise(client=self.w.client_a, source="phq9_item9")
        home = self.as_("owner").get(reverse("practice:owner_home"))
        self.assertNotContains(home, 'class="nav-count"')
        with time_machine.travel(A_WORKING_DAY_LATER, tick=False):
            risk_escalate_due()
            home = self.as_("owner").get(reverse("practice:owner_home"))
        self.assertContains(
            home, '<span class="nav-count">1<span class="visually-hidden"> open</span></span>', html=True
        )
        self.assertContains(home, "Needs your attention now")
        self.assertContains(home, reverse("risk:alert", kwargs={"alert_uuid": alert.uuid}))

    def test_the_owners_emails_are_queued_with_the_escalation_itself(self):
        with time_machine.travel(WEDNESDAY, tick=False):
            alert = risk_alert_raise(client=self.w.client_a, source="phq9_item9")
        with time_machine.travel(A_WORKING_DAY_LATER, tick=False):
            risk_escalate_due()
        kinds = sorted(Email.objects.about("risk.riskalert", alert.uuid).values_list("kind", flat=True))
        self.assertEqual(kinds, ["Alert escalated", "Alert to the therapist"])


class NoActiveOwnerTests(TestCase):
    def setUp(self):
        practice = PracticeFactory(name="Alder")
        self.former_owner = StaffFactory(practice=practice, is_owner=True, is_therapist=False, is_active=False)
        self.amy = StaffFactory(practice=practice, user=UserFactory(email="amy@alder.test", name="Amy"))
        self.bo = StaffFactory(practice=practice, user=UserFactory(email="bo@alder.test", name="Bo"))
        self.client_of_amy = ClientFactory(therapist=self.amy, user=UserFactory(name="Cy Client"))

    def test_escalation_goes_to_every_active_therapist(self):
        with time_machine.travel(WEDNESDAY, tick=False):
            alert = risk_alert_raise(client=self.client_of_amy, source="phq9_item9")
        url = reverse("risk:alert", kwargs={"alert_uuid": alert.uuid})
        self.assertEqual(signed_in(self, self.bo.user).get(url).status_code, 404)  # not yet: it is Amy's
        with time_machine.travel(A_WORKING_DAY_LATER, tick=False):
            with self.captureOnCommitCallbacks(execute=True):
                risk_escalate_due()
        self.assertEqual(sorted(m.to[0] for m in mail.outbox), ["amy@alder.test", "bo@alder.test"])
        bo_email = next(m for m in mail.outbox if m.to == ["bo@alder.test"])
        self.assertIn("has no active owner", bo_email.body)
        self.assertEqual(signed_in(self, self.bo.user).get(url).status_code, 200)
        self.assertContains(signed_in(self, self.bo.user).get(reverse("risk:list")), url)


class PracticeOfOneTests(TestCase):
    def setUp(self):
        practice = PracticeFactory(name="Solo")
        self.sole = StaffFactory(
            practice=practice, is_owner=True, user=UserFactory(email="sole@solo.test", name="Sol Practitioner")
        )
        self.client_of_sole = ClientFactory(therapist=self.sole)

    def test_escalation_is_a_second_louder_reminder_and_the_banner_stays(self):
        with time_machine.travel(WEDNESDAY, tick=False):
            with self.captureOnCommitCallbacks(execute=True):
                alert = risk_alert_raise(client=self.client_of_sole, source="phq9_item9")
        with time_machine.travel(A_WORKING_DAY_LATER, tick=False):
            with self.captureOnCommitCallbacks(execute=True):
                risk_escalate_due()
            home = signed_in(self, self.sole.user).get(reverse("caseload:home"))
        self.assertEqual([m.to for m in mail.outbox], [["sole@solo.test"], ["sole@solo.test"]])
        self.assertIn("A second reminder", mail.outbox[1].body)
        self.assertIn("Nobody else in Solo is told", mail.outbox[1].body)
        self.assertContains(home, reverse("risk:alert", kwargs={"alert_uuid": alert.uuid}))
        self.assertContains(home, "Second reminder")

    def test_settings_say_plainly_that_nobody_else_is_told(self):
        page = signed_in(self, self.sole.user).get(reverse("practice:settings"))
        self.assertContains(page, "nobody else is told about a risk alert unless you name a colleague")

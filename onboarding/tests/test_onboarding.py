"""Becoming a client: versioned documents accepted with a date, the intake, and consent choices with their wording."""

from django.db import connection
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from onboarding.consents import has_consent
from onboarding.models import Acceptance, ConsentChoice, Intake, PracticeDocument
from onboarding.services import WORDING, consent_record, document_publish
from onboarding.views import steps_for
from tending.testing.personas import TendingTestCase


class DocumentTests(TendingTestCase):
    def test_the_owner_publishes_versions_and_old_acceptances_stay(self):
        http = self.as_("owner")
        url = reverse("onboarding:document_edit", kwargs={"kind": "agreement"})
        http.post(url, {"body": "First words"})
        first = PracticeDocument.objects.get()
        Acceptance.objects.create(client=self.w.client_a, document=first)
        http.post(url, {"body": "Better words"})
        http.post(url, {"body": "Better words"})  # unchanged: no new version
        versions = list(PracticeDocument.objects.order_by("version").values_list("version", "body"))
        self.assertEqual(versions, [(1, "First words"), (2, "Better words")])
        self.assertTrue(Acceptance.objects.filter(client=self.w.client_a, document=first).exists())

    def test_a_client_reads_and_accepts_the_current_versions_with_a_dated_record(self):
        document_publish(
            practice=self.w.practice, kind="agreement", body="We meet weekly or as you need.", staff=self.w.owner
        )
        document_publish(
            practice=self.w.practice, kind="privacy", body="We keep your notes encrypted.", staff=self.w.owner
        )
        http = self.as_("client_a")
        page = http.get(reverse("onboarding:agreement"))
        self.assertContains(page, "We meet weekly or as you need.")
        refused = http.post(reverse("onboarding:agreement"), {})
        self.assertContains(refused, "please tick the box", status_code=400)
        http.post(reverse("onboarding:agreement"), {"agree": "on"})
        accepted = Acceptance.objects.filter(client=self.w.client_a).select_related("document")
        self.assertEqual(sorted(a.document.kind for a in accepted), ["agreement", "privacy"])
        self.assertTrue(all(a.accepted_at for a in accepted))
        self.assertTrue(AuditEvent.objects.filter(action="sign", object_type="onboarding.acceptance").exists())

    def test_a_new_version_asks_for_agreement_again(self):
        document = document_publish(practice=self.w.practice, kind="agreement", body="v1", staff=self.w.owner)
        Acceptance.objects.create(client=self.w.client_a, document=document)
        document_publish(practice=self.w.practice, kind="agreement", body="v2", staff=self.w.owner)
        page = self.as_("client_a").get(reverse("onboarding:agreement"))
        self.assertContains(page, "I agree")


class IntakeTests(TendingTestCase):
    def test_the_intake_is_sealed_at_rest_and_shown_to_the_therapist_with_an_audit(self):
        http = self.as_("client_a")
        http.post(
            reverse("onboarding:intake"),
            {"preferred_name": "CJ", "pronouns": "she/her", "date_of_birth": "1990-04-01", "hopes": "To sleep again"},
        )
        intake = Intake.objects.get(client=self.w.client_a)
        self.assertEqual(intake.hopes, "To sleep again")

        with connection.cursor() as cursor:
            cursor.execute("SELECT hopes FROM onboarding_intake WHERE id = %s", [intake.id])
            self.assertNotIn("sleep", cursor.fetchone()[0])
        self.w.client_a.refresh_from_db()
        self.assertEqual(self.w.client_a.preferred_name, "CJ")
        record = self.as_("therapist").get(
            reverse("practice:client_detail", kwargs={"client_uuid": self.w.client_a.uuid})
        )
        self.assertContains(record, "To sleep again")
        self.assertTrue(AuditEvent.objects.reads_of("onboarding.intake").exists())

    def test_a_mistyped_birth_date_keeps_the_answers(self):
        response = self.as_("client_a").post(
            reverse("onboarding:intake"), {"date_of_birth": "2999-01-01", "hopes": "Calmer mornings"}
        )
        self.assertContains(response, "looks like it might be mistyped", status_code=400)
        self.assertContains(response, "Calmer mornings", status_code=400)


class ConsentTests(TendingTestCase):
    def test_everything_is_off_until_the_client_turns_it_on(self):
        for kind in ("email_reminders", "journal_risk_alerts", "booking_nudge"):
            self.assertFalse(has_consent(self.w.client_a, kind))

    def test_each_choice_is_kept_with_its_date_and_wording_and_can_change(self):
        http = self.as_("client_a")
        http.post(reverse("onboarding:choices"), {"journal_risk_alerts": "on", "gap_days": "28"})
        self.assertTrue(has_consent(self.w.client_a, "journal_risk_alerts"))
        self.assertFalse(has_consent(self.w.client_a, "email_reminders"))
        http.post(reverse("onboarding:choices"), {"gap_days": "28"})
        self.assertFalse(has_consent(self.w.client_a, "journal_risk_alerts"))
        history = list(
            ConsentChoice.objects.filter(client=self.w.client_a, kind="journal_risk_alerts").order_by(
                "decided_at", "id"
            )
        )
        self.assertEqual([c.granted for c in history], [True, False])
        self.assertTrue(all(c.wording == WORDING["journal_risk_alerts"] for c in history))
        self.assertFalse(has_consent(self.w.client_b, "journal_risk_alerts"))

    def test_an_unknown_kind_is_a_programming_error(self):
        with self.assertRaises(ValueError):
            has_consent(self.w.client_a, "marketing")

    def test_saving_the_same_choice_twice_adds_no_history(self):
        consent_record(client=self.w.client_a, kind="email_reminders", granted=True)
        consent_record(client=self.w.client_a, kind="email_reminders", granted=True)
        self.assertEqual(ConsentChoice.objects.filter(client=self.w.client_a).count(), 1)


class HomePanelTests(TendingTestCase):
    """The client's home asks "is everything settled?" in at most two queries; it must agree with the welcome
    page's steps."""

    def agreed(self) -> bool:
        return steps_for(self.w.client_a)["agreed"]

    def settled_by_steps(self) -> bool:
        steps = steps_for(self.w.client_a)
        return steps["agreed"] and steps["intake_done"] and steps["choices_done"]

    def assert_panel(self, shown: bool):
        from onboarding.panels import _settled

        self.assertEqual(_settled(self.w.client_a), self.settled_by_steps())
        with self.assertNumQueries(2 if self.settled_by_steps() or self.agreed() else 1):
            _settled(self.w.client_a)
        home = self.as_("client_a").get(reverse("practice:client_home"))
        (self.assertContains if shown else self.assertNotContains)(home, "Getting started")

    def test_the_panel_shows_until_every_step_is_done_and_goes_when_a_new_version_needs_agreeing(self):
        client = self.w.client_a
        self.assert_panel(shown=True)  # nothing published yet: the welcome is not settled
        agreement = document_publish(practice=self.w.practice, kind="agreement", body="v1", staff=self.w.owner)
        privacy = document_publish(practice=self.w.practice, kind="privacy", body="p1", staff=self.w.owner)
        Acceptance.objects.create(client=client, document=agreement)
        Acceptance.objects.create(client=client, document=privacy)
        self.assert_panel(shown=True)  # agreed, but no intake or choices
        Intake.objects.update_or_create(client=client, defaults={"completed_at": timezone.now()})
        self.assert_panel(shown=True)
        consent_record(client=client, kind="email_reminders", granted=False)
        self.assert_panel(shown=False)  # everything done
        document_publish(practice=self.w.practice, kind="agreement", body="v2", staff=self.w.owner)
        self.assert_panel(shown=True)  # a new version waits for agreement
        # Another client's acceptance of the new version counts for nothing.
        newest = PracticeDocument.objects.current(self.w.practice, "agreement")
        Acceptance.objects.create(client=self.w.client_b, document=newest)
        self.assert_panel(shown=True)
        Acceptance.objects.create(client=client, document=newest)
        self.assert_panel(shown=False)

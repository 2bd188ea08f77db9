import datetime
from unittest import mock

import time_machine
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from journal.models import Entry
from journal.services import entry_save, entry_share
from onboarding.services import consent_record
from risk import services as risk_services
from risk.checks import risk_checks_run
from risk.detection import detect
from risk.models import RiskAlert, RiskCheck
from tending.testing.personas import TendingTestCase


class PrivacyTests(TendingTestCase):
    def entry(self, client=None, body="A quiet evening by the window.", shared=False):
        entry, _ = entry_save(client=client or self.w.client_a, body=body, prompt="free")
        if shared:
            entry_share(entry=entry)
        return entry

    def test_entries_are_private_by_default(self):
        entry = self.entry()
        self.assertFalse(entry.is_shared)
        response = self.as_("therapist").get(reverse("journal:shared", kwargs={"client_uuid": self.w.client_a.uuid}))
        self.assertNotContains(response, "A quiet evening")
        self.assertContains(response, "No entries are shared")

    def test_another_client_cannot_open_an_entry(self):
        entry = self.entry()
        for name in ("journal:detail", "journal:edit", "journal:delete"):
            url = reverse(name, kwargs={"entry_uuid": entry.uuid})
            self.assertEqual(self.as_("client_b").get(url).status_code, 404, name)
        self.assertEqual(
            self.as_("client_b").post(reverse("journal:share", kwargs={"entry_uuid": entry.uuid})).status_code, 404
        )
        entry.refresh_from_db()
        self.assertFalse(entry.is_shared)

    def test_the_client_shares_one_entry_and_the_therapist_reads_only_that_one_audited(self):
        shared = self.entry(body="Bring this one to session.")
        self.entry(body="Keep this one to myself.")
        response = self.as_("client_a").post(reverse("journal:share", kwargs={"entry_uuid": shared.uuid}))
        self.assertRedirects(response, reverse("journal:detail", kwargs={"entry_uuid": shared.uuid}))
        page = self.as_("therapist").get(reverse("journal:shared", kwargs={"client_uuid": self.w.client_a.uuid}))
        self.assertContains(page, "Bring this one to session.")
        self.assertNotContains(page, "Keep this one to myself.")
        event = AuditEvent.objects.filter(object_type="journal.entry", action="read").get()
        self.assertEqual(event.detail, {"entries": [str(shared.uuid)]})
        self.assertNotIn("Bring this one", str(event.detail))

    def test_unsharing_takes_the_entry_away_from_the_therapist(self):
        entry = self.entry(body="Changed my mind about this.", shared=True)
        self.as_("client_a").post(reverse("journal:unshare", kwargs={"entry_uuid": entry.uuid}))
        page = self.as_("therapist").get(reverse("journal:shared", kwargs={"client_uuid": self.w.client_a.uuid}))
        self.assertNotContains(page, "Changed my mind")

    def test_colleagues_and_other_practices_never_see_shared_entries(self):
        self.entry(body="Shared with Ana only.", shared=True)
        url = reverse("journal:shared", kwargs={"client_uuid": self.w.client_a.uuid})
        for persona in ("colleague", "outsider", "owner", "client_a", "client_b"):
            self.assertEqual(self.as_(persona).get(url).status_code, 404, persona)

    def test_the_therapist_sees_how_many_are_shared_on_the_clients_page_never_the_words(self):
        self.entry(body="Words for session.", shared=True)
        response = self.as_("therapist").get(
            reverse("practice:client_detail", kwargs={"client_uuid": self.w.client_a.uuid})
        )
        self.assertContains(response, "has shared 1 entry with you")
        self.assertNotContains(response, "Words for session.")

    def test_journal_list_queries_are_pinned(self):
        for n in range(3):
            self.entry(body=f"Entry {n}", shared=n == 0)
        http = self.as_("client_a")
        http.get(reverse("journal:list"))
        # session, user, staff check, client, count, page of entries, consent, therapist, therapist's user, nav practice.
        with self.assertNumQueries(5):
            http.get(reverse("journal:list"))
        for n in range(10):
            self.entry(body=f"More {n}")
        with self.assertNumQueries(5):
            http.get(reverse("journal:list"))

    def test_the_page_says_plainly_the_journal_is_not_monitored_around_the_clock(self):
        response = self.as_("client_a").get(reverse("journal:list"))
        self.assertContains(response, "not monitored around the clock")
        self.assertContains(response, "is not told anything about what you write")

    def test_an_empty_entry_gets_a_kind_message(self):
        response = self.as_("client_a").post(reverse("journal:new"), {"prompt": "free", "body": ""})
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Even a word is enough")
        self.assertFalse(Entry.objects.exists())

    def test_the_prompts_guide_gently(self):
        for prompt, words in (
            ("letter", "compassionate self"),
            ("critic", "inner critic"),
            ("kindness", "moments of kindness"),
        ):
            response = self.as_("client_a").get(reverse("journal:new") + f"?prompt={prompt}")
            self.assertContains(response, words)


class AutosaveTests(TendingTestCase):
    def autosave(self, http, body, entry=""):
        return http.post(
            reverse("journal:autosave"),
            {"prompt": "free", "body": body, "entry": entry},
            headers={"HX-Request": "true"},
        )

    def test_autosave_creates_one_draft_and_keeps_updating_it(self):
        http = self.as_("client_a")
        self.autosave(http, "First words")
        entry = Entry.objects.get()
        self.assertTrue(entry.is_draft)
        response = self.autosave(http, "First words and more", entry=str(entry.uuid))
        self.assertContains(response, f'value="{entry.uuid}"')
        self.assertEqual(Entry.objects.count(), 1)
        entry.refresh_from_db()
        self.assertEqual(entry.body, "First words and more")

    def test_saving_finishes_the_autosaved_draft_instead_of_making_another(self):
        http = self.as_("client_a")
        self.autosave(http, "Draft words")
        entry = Entry.objects.get()
        response = http.post(
            reverse("journal:new"), {"prompt": "free", "body": "Final words", "entry": str(entry.uuid)}
        )
        self.assertRedirects(response, reverse("journal:detail", kwargs={"entry_uuid": entry.uuid}))
        entry.refresh_from_db()
        self.assertEqual((entry.body, entry.is_draft, Entry.objects.count()), ("Final words", False, 1))

    def test_nothing_typed_is_lost_when_the_session_times_out(self):
        start = timezone.now()
        with time_machine.travel(start, tick=False):
            http = self.as_("client_a")
            http.get(reverse("journal:new"))
            self.autosave(http, "Everything I typed before I stepped away")
        with time_machine.travel(start + datetime.timedelta(minutes=45), tick=False):
            response = http.get(reverse("journal:list"))
            self.assertEqual(response.status_code, 302)
            self.assertIn(reverse("account_login"), response["Location"])
        self.assertEqual(Entry.objects.get().body, "Everything I typed before I stepped away")

    def test_a_client_cannot_autosave_into_anothers_entry(self):
        theirs, _ = entry_save(client=self.w.client_b, body="Dev's words", prompt="free")
        self.autosave(self.as_("client_a"), "Overwrite?", entry=str(theirs.uuid))
        theirs.refresh_from_db()
        self.assertEqual(theirs.body, "Dev's words")
        self.assertEqual(Entry.objects.filter(client=self.w.client_a).get().body, "Overwrite?")

    def test_risk_words_show_the_contacts_while_typing(self):
        response = self.autosave(self.as_("client_a"), "sometimes I want to end it all")
        self.assertContains(response, 'hx-swap-oob="true"')
        self.assertContains(response, "Samaritans")
        self.assertContains(response, "tel:116123")

    def test_autosave_keeps_a_draft_and_raises_nothing_and_audits_nothing(self):
        consent_record(client=self.w.client_a, kind="journal_risk_alerts", granted=True)
        http = self.as_("client_a")
        audited = AuditEvent.objects.count()  # after signing in, which is audited
        with self.captureOnCommitCallbacks(execute=True):
            self.autosave(http, "I want to kill myself")
            entry = Entry.objects.get()
            self.autosave(http, "I want to kill myself, I think", entry=str(entry.uuid))
        self.assertTrue(Entry.objects.get().is_draft)
        self.assertEqual(AuditEvent.objects.count(), audited)
        self.assertFalse(RiskCheck.objects.exists())
        self.assertFalse(RiskAlert.objects.exists())


class DetectionTests(TendingTestCase):
    def save(self, body, persona="client_a", entry=None):
        # The check runs on the worker once the entry is committed (the immediate backend in tests).
        url = reverse("journal:edit", kwargs={"entry_uuid": entry.uuid}) if entry else reverse("journal:new")
        with self.captureOnCommitCallbacks(execute=True):
            return self.as_(persona).post(url, {"prompt": "free", "body": body}, follow=True)

    def test_harsh_self_talk_offers_a_self_compassion_break_without_pushing(self):
        response = self.save("Messed up again. I’m useless at everything.")
        self.assertContains(response, "three-minute self-compassion break")
        self.assertContains(response, "Or simply carry on")
        self.assertNotContains(response, "Samaritans")
        self.assertTrue(Entry.objects.get().harsh_found)

    def test_risk_words_show_the_crisis_contacts_at_once_beside_the_entry(self):
        response = self.save("I think everyone would be better off dead without me around")
        self.assertContains(response, "If you are struggling right now")
        self.assertContains(response, "tel:116123")
        self.assertContains(response, "not watched around the clock")
        self.assertTrue(Entry.objects.get().risk_found)

    def test_ordinary_words_do_not_trigger_anything(self):
        response = self.save("The skill of killing time: I made myself a cup of tea and hurt nobody.")
        self.assertNotContains(response, "If you are struggling right now")
        self.assertNotContains(response, "self-compassion break")

    def test_the_therapist_is_alerted_only_when_the_client_agreed(self):
        self.save("I want to kill myself")
        self.assertFalse(RiskAlert.objects.exists())
        consent_record(client=self.w.client_a, kind="journal_risk_alerts", granted=True)
        self.save("I want to kill myself")
        alert = RiskAlert.objects.get()
        latest = Entry.objects.order_by("-id").first()
        self.assertEqual(
            (alert.source, alert.source_id, alert.client), ("journal_words", str(latest.uuid), self.w.client_a)
        )

    def test_editing_a_risky_entry_does_not_alert_twice(self):
        consent_record(client=self.w.client_a, kind="journal_risk_alerts", granted=True)
        self.save("I want to kill myself")
        entry = Entry.objects.get()
        self.save("I want to kill myself. Still.", entry=entry)
        self.assertEqual(RiskAlert.objects.count(), 1)
        self.assertEqual(RiskCheck.objects.filter(source_id=str(entry.uuid), done_at__isnull=False).count(), 2)

    def test_an_entry_whose_alert_was_never_raised_alerts_when_it_is_next_saved_after_consent(self):
        self.save("I want to kill myself")
        entry = Entry.objects.get()
        self.assertFalse(RiskAlert.objects.exists())
        consent_record(client=self.w.client_a, kind="journal_risk_alerts", granted=True)
        self.save("I want to kill myself. I said it before.", entry=entry)
        alert = RiskAlert.objects.get()
        self.assertEqual((alert.source, alert.source_id), ("journal_words", str(entry.uuid)))

    def test_if_detection_fails_the_entry_is_saved_the_contacts_shown_and_the_words_checked_again_later(self):
        consent_record(client=self.w.client_a, kind="journal_risk_alerts", granted=True)
        start = timezone.now()
        with time_machine.travel(start, tick=False):
            with mock.patch("risk.detection.detect", side_effect=RuntimeError("broken list")):
                with self.assertLogs("risk", "ERROR") as logs:
                    response = self.save("I want to end it all")
            self.assertEqual(response.status_code, 200)
            self.assertEqual(Entry.objects.get().body, "I want to end it all")
            self.assertContains(response, "tel:116123")
            self.assertFalse(RiskAlert.objects.exists())
            self.assertNotIn("end it all", "\n".join(logs.output))
            check = RiskCheck.objects.get()
            self.assertEqual((check.done_at, check.attempts, check.last_error), (None, 1, "builtins.RuntimeError"))
        with time_machine.travel(start + datetime.timedelta(minutes=1), tick=False):
            risk_checks_run()
            self.assertEqual(RiskAlert.objects.count(), 1)
            check.refresh_from_db()
            self.assertTrue(check.found)
            self.assertIsNotNone(check.done_at)

    def test_if_raising_the_alert_fails_the_entry_is_saved_and_the_alert_arrives_later(self):
        consent_record(client=self.w.client_a, kind="journal_risk_alerts", granted=True)
        real_raise = risk_services.risk_alert_raise
        calls = []

        def fails_once(**kwargs):
            calls.append(kwargs)
            if len(calls) == 1:
                raise RuntimeError("database refused")
            return real_raise(**kwargs)

        start = timezone.now()
        with mock.patch("risk.checks.risk_alert_raise", side_effect=fails_once):
            with time_machine.travel(start, tick=False):
                with self.assertLogs("risk.checks", "ERROR"):
                    response = self.save("I want to hurt myself")
                self.assertEqual(Entry.objects.get().body, "I want to hurt myself")
                self.assertContains(response, "tel:116123")
                self.assertFalse(RiskAlert.objects.exists())
            with time_machine.travel(start + datetime.timedelta(seconds=30), tick=False):
                risk_checks_run()  # not due yet: the first retry waits a minute
                self.assertFalse(RiskAlert.objects.exists())
            with time_machine.travel(start + datetime.timedelta(minutes=1), tick=False):
                risk_checks_run()
                risk_checks_run()  # nothing left to do: still one alert
        entry = Entry.objects.get()
        alert = RiskAlert.objects.get()
        self.assertEqual(
            (alert.source, alert.source_id, alert.client), ("journal_words", str(entry.uuid), entry.client)
        )
        self.assertEqual(len(calls), 2)

    def test_phrase_lists_are_configurable_in_settings(self):
        with override_settings(
            TENDING_JOURNAL_RISK_PHRASES=["disappear forever"], TENDING_JOURNAL_HARSH_PHRASES=["i'm rubbish"]
        ):
            self.assertTrue(detect("I want to DISAPPEAR   forever").risk)
            self.assertFalse(detect("I want to kill myself").risk)
            self.assertTrue(detect("I’m rubbish").harsh)
        self.assertTrue(detect("I want to kill myself").risk)

    def test_matching_ignores_case_and_curly_apostrophes_but_needs_whole_words(self):
        self.assertTrue(detect("I HATE MYSELF today").harsh)
        self.assertTrue(detect("I don’t want to live like this").risk)
        self.assertFalse(detect("unsuicidalish").risk)

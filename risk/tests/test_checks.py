"""Pending risk checks: a signal in a client's words is never lost, whatever fails on the way (issue 14)."""

import datetime as dt
import io
from unittest import mock

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from journal.models import Entry
from journal.services import entry_autosave, entry_delete, entry_save
from onboarding.services import consent_record
from risk.checks import backoff, risk_check_run_one, risk_checks_run
from risk.models import RiskAlert, RiskCheck
from tending.testing.concurrency import race
from tending.testing.personas import TendingTestCase, build_world

RISKY = "Some days I want to end it all."


class RetryTests(TendingTestCase):
    def setUp(self):
        consent_record(client=self.w.client_a, kind="journal_risk_alerts", granted=True)

    def test_a_failing_check_is_tried_again_after_1_2_5_10_and_30_minutes_then_every_30_for_ever(self):
        start = timezone.now()
        with time_machine.travel(start, tick=False) as clock:
            with mock.patch("risk.detection.detect", side_effect=RuntimeError("broken list")):
                with self.assertLogs("risk", "ERROR"):
                    # Detection fails while saving too (so the request saw nothing); the worker never ran it.
                    entry, _ = entry_save(client=self.w.client_a, body=RISKY, prompt="free")
                    check = RiskCheck.objects.get()
                    for attempt, wait in enumerate((1, 2, 5, 10, 30, 30, 30), start=1):
                        self.assertEqual(risk_checks_run(), 0)
                        check.refresh_from_db()
                        self.assertEqual(check.attempts, attempt)
                        self.assertEqual(check.next_attempt_at, timezone.now() + dt.timedelta(minutes=wait))
                        clock.shift(dt.timedelta(minutes=wait) - dt.timedelta(seconds=1))
                        risk_checks_run()  # a second early: nothing is tried
                        check.refresh_from_db()
                        self.assertEqual(check.attempts, attempt)
                        clock.shift(dt.timedelta(seconds=1))
            self.assertFalse(RiskAlert.objects.exists())
            self.assertEqual(risk_checks_run(), 1)
            check.refresh_from_db()
            # The last failure stays on the row, as its class only: never the client's words.
            self.assertEqual((check.found, check.attempts, check.last_error), (True, 8, "builtins.RuntimeError"))
            self.assertIsNotNone(check.done_at)
            self.assertEqual(RiskAlert.objects.get().source_id, str(entry.uuid))

    def test_the_backoff_never_grows_past_thirty_minutes(self):
        self.assertEqual([backoff(n).seconds // 60 for n in range(1, 9)], [1, 2, 5, 10, 30, 30, 30, 30])

    def test_a_check_another_worker_has_claimed_is_left_to_it(self):
        with time_machine.travel(timezone.now(), tick=False):
            entry_save(client=self.w.client_a, body=RISKY, prompt="free")
            check = RiskCheck.objects.get()
            # Another worker claimed it a moment ago: it is no longer due for anyone else.
            RiskCheck.objects.filter(pk=check.pk).update(attempts=1, next_attempt_at=timezone.now() + backoff(1))
            self.assertFalse(risk_check_run_one(check_id=check.pk))
            self.assertFalse(RiskAlert.objects.exists())

    def test_two_checks_of_the_same_entry_raise_one_alert(self):
        with time_machine.travel(timezone.now(), tick=False):
            entry, _ = entry_save(client=self.w.client_a, body=RISKY, prompt="free")
            entry_save(client=self.w.client_a, entry=entry, body=RISKY + " Still.", prompt="free")
            self.assertEqual(risk_checks_run(), 2)
        self.assertEqual(RiskAlert.objects.count(), 1)

    def test_words_deleted_before_their_check_still_alert_when_the_save_saw_risk(self):
        with time_machine.travel(timezone.now(), tick=False):
            entry, _ = entry_save(client=self.w.client_a, body=RISKY, prompt="free")
            entry_delete(entry=entry)
            risk_checks_run()
        self.assertEqual(RiskAlert.objects.get().source_id, str(entry.uuid))

    def test_ordinary_words_are_checked_by_the_saving_request_and_raise_nothing(self):
        with time_machine.travel(timezone.now(), tick=False), mock.patch("risk.checks._run_soon") as run_soon:
            with self.captureOnCommitCallbacks(execute=True):
                entry_save(client=self.w.client_a, body="A walk by the river.", prompt="free")
            self.assertEqual(risk_checks_run(), 0)  # nothing left for the worker or the clock
        check = RiskCheck.objects.get()
        self.assertEqual((check.found, check.done_at is not None, check.attempts), (False, True, 0))
        run_soon.assert_not_called()
        self.assertFalse(RiskAlert.objects.exists())

    def test_words_the_request_could_not_check_wait_for_the_worker_and_are_checked_there(self):
        with time_machine.travel(timezone.now(), tick=False), mock.patch("risk.checks._run_soon") as run_soon:
            with (
                mock.patch("risk.detection.detect", side_effect=RuntimeError("broken list")),
                self.captureOnCommitCallbacks(execute=True),
            ):
                _entry, findings = entry_save(client=self.w.client_a, body="A walk by the river.", prompt="free")
            self.assertTrue(findings.failed)
            self.assertEqual(RiskCheck.objects.due().count(), 1)
            run_soon.assert_called_once()
            self.assertEqual(risk_checks_run(), 1)
        self.assertEqual(RiskCheck.objects.get().found, False)

    def test_the_command_runs_the_due_checks(self):
        with time_machine.travel(timezone.now(), tick=False):
            entry_save(client=self.w.client_a, body=RISKY, prompt="free")
            out = io.StringIO()
            call_command("risk_checks", stdout=out)
        self.assertIn("Finished 1 risk check(s).", out.getvalue())
        self.assertEqual(RiskAlert.objects.count(), 1)


class UnsavedDraftTests(TendingTestCase):
    def setUp(self):
        consent_record(client=self.w.client_a, kind="journal_risk_alerts", granted=True)

    def test_a_risky_draft_unsaved_for_thirty_minutes_alerts_and_not_before(self):
        start = timezone.now()
        with time_machine.travel(start, tick=False) as clock:
            entry = entry_autosave(client=self.w.client_a, body=RISKY, prompt="free")
            clock.shift(dt.timedelta(minutes=29))
            risk_checks_run()
            self.assertFalse(RiskCheck.objects.exists())
            self.assertFalse(RiskAlert.objects.exists())
            clock.shift(dt.timedelta(minutes=2))
            risk_checks_run()
            alert = RiskAlert.objects.get()
            self.assertEqual((alert.source, alert.source_id), ("journal_words", str(entry.uuid)))
            # Checked once for this version, and saving it later does not alert again.
            clock.shift(dt.timedelta(minutes=5))
            risk_checks_run()
            self.assertEqual(RiskCheck.objects.count(), 1)
            entry_save(client=self.w.client_a, entry=entry, body=RISKY, prompt="free")
            risk_checks_run()
        self.assertEqual(RiskAlert.objects.count(), 1)

    def test_risky_words_autosaved_into_a_saved_entry_and_left_unsaved_alert_after_thirty_minutes(self):
        start = timezone.now()
        with time_machine.travel(start, tick=False) as clock:
            entry, _ = entry_save(client=self.w.client_a, body="A calm day.", prompt="free")
            risk_checks_run()
            clock.shift(dt.timedelta(minutes=5))
            entry_autosave(client=self.w.client_a, entry=entry, body=RISKY, prompt="free")
            clock.shift(dt.timedelta(minutes=29))
            risk_checks_run()
            self.assertFalse(RiskAlert.objects.exists())
            clock.shift(dt.timedelta(minutes=2))
            risk_checks_run()
            alert = RiskAlert.objects.get()
        self.assertEqual(alert.source_id, str(entry.uuid))

    def test_a_saved_entry_is_not_checked_again_once_saved(self):
        start = timezone.now()
        with time_machine.travel(start, tick=False) as clock:
            entry, _ = entry_save(client=self.w.client_a, body="A calm day.", prompt="free")
            risk_checks_run()
            clock.shift(dt.timedelta(hours=1))
            risk_checks_run()
        self.assertEqual(RiskCheck.objects.filter(source_id=str(entry.uuid)).count(), 1)

    def test_a_draft_changed_after_its_check_is_checked_again_thirty_minutes_later(self):
        start = timezone.now()
        with time_machine.travel(start, tick=False) as clock:
            entry = entry_autosave(client=self.w.client_a, body="Just a note to self.", prompt="free")
            clock.shift(dt.timedelta(minutes=31))
            risk_checks_run()
            self.assertEqual(RiskCheck.objects.get().found, False)
            entry_autosave(client=self.w.client_a, entry=entry, body=RISKY, prompt="free")
            clock.shift(dt.timedelta(minutes=29))
            risk_checks_run()
            self.assertFalse(RiskAlert.objects.exists())
            clock.shift(dt.timedelta(minutes=2))
            risk_checks_run()
            self.assertEqual(RiskCheck.objects.count(), 2)
            self.assertEqual(RiskAlert.objects.count(), 1)

    def test_a_risky_draft_without_consent_is_checked_and_nobody_is_told(self):
        consent_record(client=self.w.client_a, kind="journal_risk_alerts", granted=False)
        with time_machine.travel(timezone.now(), tick=False) as clock:
            entry_autosave(client=self.w.client_a, body=RISKY, prompt="free")
            clock.shift(dt.timedelta(minutes=31))
            risk_checks_run()
        self.assertTrue(RiskCheck.objects.get().found)
        self.assertFalse(RiskAlert.objects.exists())

    def test_finding_the_unsaved_drafts_is_one_query(self):
        with time_machine.travel(timezone.now(), tick=False) as clock:
            for n in range(5):
                entry_autosave(client=self.w.client_a, body=f"Draft {n}", prompt="free")
            clock.shift(dt.timedelta(minutes=31))
            with self.assertNumQueries(1):
                drafts = list(Entry.objects.drafts_unchecked_since(timezone.now() - dt.timedelta(minutes=30)))
        self.assertEqual(len(drafts), 5)


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_two_workers_running_the_checks_at_once_raise_one_alert():
    world = build_world()
    consent_record(client=world.client_a, kind="journal_risk_alerts", granted=True)
    with mock.patch("risk.checks._run_soon"):  # leave the rows due, as if the worker were down
        entry, _ = entry_save(client=world.client_a, body=RISKY, prompt="free")
        entry_save(client=world.client_a, entry=entry, body=RISKY + " Again.", prompt="free")
    assert RiskCheck.objects.due().count() == 2

    results, errors = race([risk_checks_run, risk_checks_run, risk_checks_run])
    assert errors == []
    assert sum(results) == 2  # each row finished once, by one worker
    assert RiskAlert.objects.filter(source_id=str(entry.uuid)).count() == 1
    assert not RiskCheck.objects.filter(done_at__isnull=True).exists()


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_the_real_worker_raises_the_alert_from_the_row_written_with_the_entry(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    world = build_world()
    consent_record(client=world.client_a, kind="journal_risk_alerts", granted=True)
    entry, _ = entry_save(client=world.client_a, body=RISKY, prompt="free")
    assert not RiskAlert.objects.exists()  # queued on commit, not yet run
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    assert RiskAlert.objects.get().source_id == str(entry.uuid)
    assert RiskCheck.objects.get().done_at is not None


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_ordinary_words_queue_no_task_for_the_real_worker(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    world = build_world()
    consent_record(client=world.client_a, kind="journal_risk_alerts", granted=True)
    entry_save(client=world.client_a, body="A walk by the river.", prompt="free")
    assert not DBTaskResult.objects.exists()
    assert RiskCheck.objects.get().found is False
    entry_save(client=world.client_a, body=RISKY, prompt="free")
    assert DBTaskResult.objects.count() == 1  # words with risk still go to the worker, which raises the alert

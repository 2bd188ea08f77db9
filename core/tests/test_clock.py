from datetime import UTC, datetime, timedelta
from unittest import mock

import time_machine
from django.conf import settings
from django.core.management import call_command
from django.test import TestCase, override_settings

from core.management.commands.clock import run_due_jobs
from core.models import ScheduledRun

T0 = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)
SCHEDULE = [("fast_job", 300), ("daily_job", 86400)]


@override_settings(TENDING_SCHEDULE=SCHEDULE)
class ClockTests(TestCase):
    def run_at(self, when):
        with mock.patch("core.management.commands.clock.call_command") as call:
            ran = run_due_jobs(now=when)
        return ran, [c.args[0] for c in call.call_args_list]

    def test_every_job_runs_the_first_time(self):
        self.assertEqual(self.run_at(T0), (["fast_job", "daily_job"], ["fast_job", "daily_job"]))

    def test_a_job_runs_again_only_when_its_period_has_passed(self):
        self.run_at(T0)
        self.assertEqual(self.run_at(T0 + timedelta(minutes=4))[0], [])
        self.assertEqual(self.run_at(T0 + timedelta(minutes=5))[0], ["fast_job"])
        self.assertEqual(self.run_at(T0 + timedelta(hours=24))[0], ["fast_job", "daily_job"])

    def test_two_clocks_at_the_same_moment_run_a_job_once(self):
        first, _ = self.run_at(T0)
        second, _ = self.run_at(T0)
        self.assertEqual((first, second), (["fast_job", "daily_job"], []))

    def test_a_failing_job_does_not_stop_the_others(self):
        def explode(name, **kwargs):
            if name == "fast_job":
                raise RuntimeError("boom")

        with mock.patch("core.management.commands.clock.call_command", side_effect=explode):
            self.assertEqual(run_due_jobs(now=T0), ["daily_job"])


class RealScheduleTests(TestCase):
    def test_every_scheduled_command_exists_and_runs(self):
        with time_machine.travel(T0), self.assertNoLogs("tending.clock", level="ERROR"):
            call_command("clock", "--once", verbosity=0)

        self.assertEqual(ScheduledRun.objects.count(), len(settings.TENDING_SCHEDULE))

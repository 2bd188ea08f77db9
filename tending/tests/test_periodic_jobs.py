"""Periodic jobs follow one scheme: the schedule's `<app>_<job>` is a command that runs `<app>/jobs.py`'s
`<job>`, the names they had before issue 16 still run for one release, and the clock's stored last runs
follow the rename."""

from importlib import import_module
from io import StringIO

from django.apps import apps
from django.conf import settings
from django.core.management import call_command, get_commands, load_command_class
from django.test import SimpleTestCase, TestCase

from core.models import ScheduledRun

job_names = import_module("core.migrations.0004_scheduled_run_job_names")

# The names before issue 16, kept as aliases for one release, and what each says when it has run.
ALIASES = {
    "send_selfcare_reminders": "Enqueued the reminder sweep",
    "bookings_tick": '"purged": 0',
    "retention": "Queued the retention job",
}


class ScheduleTests(SimpleTestCase):
    def test_every_scheduled_job_is_a_command_named_for_its_app_and_its_jobs_function(self):
        commands = get_commands()
        for entry, _seconds in settings.TENDING_SCHEDULE:
            command = entry.split()[0]
            with self.subTest(command):
                app_label, _, job = command.partition("_")
                self.assertTrue(apps.is_installed(app_label), f"{command} does not start with an app's label")
                self.assertIn(command, commands)
                self.assertEqual(commands[command], app_label)
                self.assertTrue(callable(getattr(import_module(f"{app_label}.jobs"), job, None)))


class AliasTests(TestCase):
    def test_the_old_names_still_run_their_jobs_and_say_they_are_old(self):
        for old, said in ALIASES.items():
            with self.subTest(old):
                command = load_command_class(get_commands()[old], old)
                self.assertTrue(command.help.startswith("Old name, kept for one release"), command.help)
                out = StringIO()
                call_command(old, stdout=out)
                self.assertIn(said, out.getvalue())

    def test_measures_due_keeps_its_old_spelling_for_one_release(self):
        self.assertIn("old name of measures_due", load_command_class("measures", "measures").help)
        out = StringIO()
        call_command("measures", "due", stdout=out)
        self.assertIn("Opened 0 questionnaire(s).", out.getvalue())


class StoredNamesTests(TestCase):
    def test_the_clock_keeps_each_jobs_last_run_across_the_rename_and_back(self):
        old_names = ["bookings_tick", "measures due", "send_selfcare_reminders", "retention", "outbox_send"]
        for name in old_names:
            ScheduledRun.objects.create(name=name)
        job_names.forwards(apps, None)
        self.assertEqual(
            sorted(ScheduledRun.objects.values_list("name", flat=True)),
            ["bookings_reminders", "dataprivacy_retention", "measures_due", "outbox_send", "selfcare_reminders"],
        )
        job_names.backwards(apps, None)
        self.assertEqual(sorted(ScheduledRun.objects.values_list("name", flat=True)), sorted(old_names))

    def test_a_row_the_new_clock_already_wrote_wins(self):
        ScheduledRun.objects.create(name="retention")
        ScheduledRun.objects.create(name="dataprivacy_retention")
        job_names.forwards(apps, None)
        self.assertEqual(list(ScheduledRun.objects.values_list("name", flat=True)), ["dataprivacy_retention"])

"""``/healthz/jobs`` and the owner's banner notice a stopped clock, a stopped worker and stuck emails."""

from datetime import timedelta
from importlib import import_module

from django.apps import apps
from django.conf import settings
from django.core.mail import EmailMessage
from django.test import TestCase, override_settings
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from core.models import ScheduledRun
from outbox.services import email_queue
from outbox.tasks import outbox_send_due
from tending.testing.personas import TendingTestCase

DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def every_job_ran(ago=timedelta(0)):
    for name, _seconds in settings.TENDING_SCHEDULE:
        ScheduledRun.objects.update_or_create(name=name, defaults={"last_started_at": timezone.now() - ago})


class JobsHealthTests(TestCase):
    def test_all_is_well_while_every_job_runs_on_time(self):
        every_job_ran()
        response = self.client.get(reverse("healthz_jobs"))
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.json()["late_jobs"], [])

    def test_a_clock_that_never_ran_or_stopped_is_noticed(self):
        response = self.client.get(reverse("healthz_jobs"))
        self.assertEqual(response.status_code, 503)
        self.assertEqual(len(response.json()["late_jobs"]), len(settings.TENDING_SCHEDULE))
        every_job_ran()
        ScheduledRun.objects.filter(name="outbox_send").update(last_started_at=timezone.now() - timedelta(minutes=4))
        response = self.client.get(reverse("healthz_jobs"))
        self.assertEqual((response.status_code, response.json()["late_jobs"]), (503, ["outbox_send"]))

    def test_a_job_just_inside_twice_its_period_is_not_late(self):
        every_job_ran()
        ScheduledRun.objects.filter(name="risk_escalate").update(
            last_started_at=timezone.now() - timedelta(minutes=10, seconds=30)
        )
        self.assertEqual(self.client.get(reverse("healthz_jobs")).status_code, 200)

    def test_an_email_due_for_too_long_means_the_worker_has_stopped(self):
        every_job_ran()
        email = email_queue(EmailMessage(subject="s", body="b", to=["a@x.test"]), kind="Test")
        self.assertEqual(self.client.get(reverse("healthz_jobs")).status_code, 200)
        type(email).objects.filter(pk=email.pk).update(next_attempt_at=timezone.now() - timedelta(minutes=11))
        response = self.client.get(reverse("healthz_jobs"))
        self.assertEqual(response.status_code, 503)
        self.assertGreaterEqual(response.json()["oldest_email_wait_minutes"], 11)

    @override_settings(TASKS=DB_TASKS)
    def test_a_task_waiting_for_too_long_means_the_worker_has_stopped(self):
        every_job_ran()
        result = outbox_send_due.enqueue()
        self.assertEqual(self.client.get(reverse("healthz_jobs")).status_code, 200)
        DBTaskResult.objects.filter(pk=result.id).update(enqueued_at=timezone.now() - timedelta(minutes=11))
        self.assertEqual(self.client.get(reverse("healthz_jobs")).status_code, 503)

    def test_jobs_that_last_ran_under_their_old_names_are_on_time_after_the_upgrade(self):
        # bookings_purge is new (it was part of bookings_tick): the clock's first tick runs it.
        before = {
            "bookings_reminders": "bookings_tick",
            "measures_due": "measures due",
            "selfcare_reminders": "send_selfcare_reminders",
            "dataprivacy_retention": "retention",
        }
        for name, _seconds in settings.TENDING_SCHEDULE:
            ScheduledRun.objects.create(name=before.get(name, name), last_started_at=timezone.now())
        import_module("core.migrations.0004_scheduled_run_job_names").forwards(apps, None)
        response = self.client.get(reverse("healthz_jobs"))
        self.assertEqual((response.status_code, response.json()["late_jobs"]), (200, []))

    def test_the_plain_healthz_stays_up_when_the_clock_has_stopped(self):
        self.assertEqual(self.client.get(reverse("healthz_jobs")).status_code, 503)
        self.assertEqual(self.client.get(reverse("healthz")).status_code, 200)


class OwnerBannerTests(TendingTestCase):
    def test_the_owner_is_told_when_background_work_has_stopped(self):
        ScheduledRun.objects.all().delete()
        page = self.as_("owner").get(reverse("practice:owner_home"))
        self.assertContains(page, "Background work has stopped")
        self.assertContains(page, "Alerts still appear here")

    def test_the_banner_says_how_long_emails_have_waited(self):
        every_job_ran()
        email = email_queue(EmailMessage(subject="s", body="b", to=["a@x.test"]), kind="Test")
        type(email).objects.filter(pk=email.pk).update(next_attempt_at=timezone.now() - timedelta(hours=3, minutes=1))
        self.assertContains(self.as_("owner").get(reverse("practice:owner_home")), "the oldest has waited 3\xa0hours")

    def test_no_banner_while_all_is_well(self):
        every_job_ran()
        self.assertNotContains(self.as_("owner").get(reverse("practice:owner_home")), "Background work has stopped")

    def test_a_therapist_who_is_not_an_owner_is_not_shown_it(self):
        ScheduledRun.objects.all().delete()
        self.assertNotContains(self.as_("therapist").get(reverse("caseload:home")), "Background work has stopped")

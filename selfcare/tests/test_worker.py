"""Reminders go through the real database-backed worker, as in production."""

import datetime

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command

from selfcare.models import Reminder
from tending.testing.factories import ClientFactory

DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_the_worker_sends_a_due_reminder_once(settings):
    settings.TASKS = DB_TASKS
    client = ClientFactory()
    Reminder.objects.create(client=client, is_on=True, time_of_day=datetime.time(18, 0), message="Rest is allowed.")
    with time_machine.travel(datetime.datetime(2026, 11, 26, 18, 10, tzinfo=datetime.UTC)):
        call_command("selfcare_reminders", stdout=open("/dev/null", "w"))
        call_command("selfcare_reminders", stdout=open("/dev/null", "w"))  # cron ran twice
        assert mail.outbox == []  # nothing is sent until the worker runs
        call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    assert len(mail.outbox) == 1
    assert "Rest is allowed." in mail.outbox[0].body
    assert Reminder.objects.get().last_sent_on == datetime.date(2026, 11, 26)

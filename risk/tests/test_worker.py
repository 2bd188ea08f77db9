"""The risk path through the real database-backed worker, as in production, with time travel."""

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command

from risk.models import RiskAlert
from risk.services import risk_alert_raise
from tending.testing.personas import build_world

DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
WEDNESDAY = dt.datetime(2026, 11, 18, 9, 30, tzinfo=dt.UTC)


def run_worker():
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_the_worker_emails_at_once_and_escalates_a_working_day_later(settings):
    settings.TASKS = DB_TASKS
    world = build_world()
    with time_machine.travel(WEDNESDAY, tick=False):
        alert = risk_alert_raise(client=world.client_a, source="phq9_item9")
        assert mail.outbox == []  # nothing is sent until the worker runs
        run_worker()
    assert [m.to for m in mail.outbox] == [["ana@willow.test"]]

    with time_machine.travel(WEDNESDAY + dt.timedelta(hours=23), tick=False):
        run_worker()  # not yet due
    assert RiskAlert.objects.get(pk=alert.pk).escalated_at is None

    with time_machine.travel(WEDNESDAY + dt.timedelta(days=1, minutes=1), tick=False):
        run_worker()  # the deferred check runs, escalates, and queues the owner's email
        run_worker()
    alert.refresh_from_db()
    assert alert.escalated_at is not None
    assert [m.to for m in mail.outbox] == [["ana@willow.test"], ["olive@willow.test"]]

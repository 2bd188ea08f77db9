"""Every risk alert reaches a person, whatever fails: faults made on purpose, with real parts.

Each test answers PHQ-9 question 9 with "Several days" as the client, then breaks something real: an
SMTP server (aiosmtpd) that answers 451 or 554, no SMTP server at all for two days, a worker process
killed with SIGKILL mid-send, a database error inside the clock. Work is done by the real clock
command and the real ``db_worker``, with time travel for the waiting. Each ends with the alert seen in
the app by a person and its email delivered once (``Message-ID`` counted at the server).

The killed worker is in ``test_fault_worker_killed.py``: it runs real processes on wall-clock time, so
it is kept apart from these time-travelling tests (and from CI's runs with the clock moved ahead).
``bench/faults.py`` runs both with ``TENDING_FAULTS_REPORT`` set and prints what they measured.
"""

import logging
from datetime import timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.db import OperationalError, connection
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import timezone

from measures.services import measure_response_record
from outbox.models import Email
from risk.models import RiskAlert
from tending.testing.personas import build_world
from tending.testing.smtp import Report, SmtpServer, deliveries

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
ITEM9_SEVERAL_DAYS = [1, 1, 0, 0, 0, 0, 0, 0, 1]


def next_tuesday_morning():
    """A working-day morning ahead of whatever today is, so escalation falls inside the tests' two days."""
    now = timezone.now().replace(hour=9, minute=30, second=0, microsecond=0)
    return now + timedelta(days=(1 - now.weekday()) % 7 or 7)


def run_worker():
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)


def run_clock_and_worker():
    call_command("clock", "--once", verbosity=0)
    run_worker()


def seen_by(world, persona: str, alert: RiskAlert) -> bool:
    """The person opens their alerts page and finds the alert (the count in their navigation too)."""
    http = HttpClient()
    http.force_login(world.user(persona), backend="accounts.backends.ModelBackend")
    page = http.get(reverse("risk:list")).content.decode()
    return reverse("risk:alert", kwargs={"alert_uuid": alert.uuid}) in page and 'class="nav-count"' in page


@pytest.fixture
def smtp(settings):
    settings.TASKS = DB_TASKS
    server = SmtpServer()
    settings.MAILERS = server.mailers()
    yield server
    server.stop()


@pytest.fixture
def world():
    return build_world()


def answer_item9(world, report: Report, start) -> RiskAlert:
    """The client answers question 9 at ``start``; the therapist finds the alert; the worker has a first go."""
    with time_machine.travel(start, tick=False):
        measure_response_record(client=world.client_a, instrument="phq9", answers=ITEM9_SEVERAL_DAYS)
        alert = RiskAlert.objects.get(client=world.client_a)
        assert seen_by(world, "therapist", alert)
        report.minutes("seen_after_minutes")
        run_worker()
    return alert


def test_a_451_is_retried_and_the_alert_email_delivered_once(smtp, world):
    smtp.reply = "451 4.3.0 Greylisted, try again later"
    smtp.start()
    start = next_tuesday_morning()
    report = Report("SMTP answers 451", start)
    alert = answer_item9(world, report, start)
    email = Email.objects.about("risk.riskalert", alert.uuid).get()
    assert (email.status, email.last_error, smtp.received) == ("queued", "451 4.3.0 Greylisted, try again later", [])

    smtp.reply = "accept"
    with time_machine.travel(start + timedelta(minutes=2), tick=False):
        run_clock_and_worker()
        report.minutes("delivered_after_minutes")
    email.refresh_from_db()
    assert email.status == "sent" and email.attempts == 2
    assert deliveries(smtp) == {email.message_id: 1}
    assert smtp.received[0]["To"] == "ana@willow.test"
    report.delivered(smtp, [email])
    report.save()


def test_a_554_fails_at_once_is_shown_to_the_owner_and_goes_when_sent_again(smtp, world):
    smtp.reply = "554 5.7.1 Message rejected"
    smtp.start()
    start = next_tuesday_morning()
    report = Report("SMTP answers 554", start)
    alert = answer_item9(world, report, start)
    email = Email.objects.about("risk.riskalert", alert.uuid).get()
    assert (email.status, email.attempts) == ("failed", 1)

    with time_machine.travel(start + timedelta(hours=1), tick=False):
        run_clock_and_worker()  # a refused email is not tried again on its own
        assert smtp.tries == 1
        owner = HttpClient()
        owner.force_login(world.owner.user, backend="accounts.backends.ModelBackend")
        assert "An email has not gone out" in owner.get(reverse("practice:owner_home")).content.decode()
        listing = owner.get(reverse("practice:emails")).content.decode()
        assert "Alert to the therapist" in listing and "554 5.7.1 Message rejected" in listing
        # The alert page shows its own email's state to the therapist.
        therapist = HttpClient()
        therapist.force_login(world.therapist.user, backend="accounts.backends.ModelBackend")
        detail = therapist.get(reverse("risk:alert", kwargs={"alert_uuid": alert.uuid})).content.decode()
        assert "Could not be sent" in detail

        smtp.reply = "accept"  # the owner mends the address or the server, then sends it again
        owner.post(reverse("practice:email_retry", kwargs={"email_uuid": email.uuid}))
        run_worker()
        report.minutes("delivered_after_minutes")
    email.refresh_from_db()
    assert email.status == "sent"
    assert deliveries(smtp) == {email.message_id: 1}
    report.delivered(smtp, [email])
    report.save()


def test_no_smtp_server_for_two_days_then_every_email_is_delivered_once(smtp, world):
    start = next_tuesday_morning()  # the server is not started: connections are refused
    report = Report("no SMTP server for 2 days", start)
    alert = answer_item9(world, report, start)
    hours = 0
    while hours < 48:
        hours += 3
        with time_machine.travel(start + timedelta(hours=hours), tick=False):
            run_clock_and_worker()
    alert.refresh_from_db()
    assert alert.escalated_at is not None  # a working day passed: it went to the owner, without email
    with time_machine.travel(start + timedelta(hours=hours), tick=False):
        assert seen_by(world, "owner", alert)
    emails = list(Email.objects.about("risk.riskalert", alert.uuid))
    assert {e.status for e in emails} == {"queued"} and len(emails) == 2  # the therapist's, the owner's

    smtp.start()
    with time_machine.travel(start + timedelta(hours=hours, minutes=1), tick=False):
        run_clock_and_worker()  # the next retry falls due within the backoff's longest wait (an hour)
    for extra in (30, 60):
        if all(e.status == "sent" for e in Email.objects.about("risk.riskalert", alert.uuid)):
            break
        with time_machine.travel(start + timedelta(hours=hours, minutes=extra), tick=False):
            run_clock_and_worker()
            report.minutes("delivered_after_minutes")
    emails = list(Email.objects.about("risk.riskalert", alert.uuid))
    assert {e.status for e in emails} == {"sent"}
    assert deliveries(smtp) == {e.message_id: 1 for e in emails}
    assert sorted(m["To"] for m in smtp.received) == ["ana@willow.test", "olive@willow.test"]
    report.row.setdefault("delivered_after_minutes", hours * 60)
    report.delivered(smtp, emails)
    report.save()


def test_a_database_error_in_the_clock_is_survived(smtp, world, caplog):
    smtp.reply = "451 4.3.0 Try again later"
    smtp.start()
    start = next_tuesday_morning()
    report = Report("database error in the clock", start)
    alert = answer_item9(world, report, start)
    smtp.reply = "accept"

    failures = {"left": 3}

    def database_down(execute, sql, params, many, context):
        if failures["left"]:
            failures["left"] -= 1
            raise OperationalError("server closed the connection unexpectedly")
        return execute(sql, params, many, context)

    with time_machine.travel(start + timedelta(minutes=2), tick=False):
        with caplog.at_level(logging.ERROR, logger="tending.clock"), connection.execute_wrapper(database_down):
            call_command("clock", "--ticks", "4", "--interval", "0", verbosity=0)  # three fail, one runs
        run_worker()
        report.minutes("delivered_after_minutes")
    assert "the clock could not reach the database" in caplog.text
    email = Email.objects.about("risk.riskalert", alert.uuid).get()
    assert email.status == "sent"
    assert deliveries(smtp) == {email.message_id: 1}
    report.delivered(smtp, [email])
    report.save()

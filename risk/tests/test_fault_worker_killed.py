"""A worker killed mid-send (issue 14): real processes, wall-clock time.

A ``db_worker`` process is SIGKILLed while a real SMTP server (aiosmtpd) holds the alert email's DATA.
After its claim runs out, the clock and a new worker send the email: delivered once, and the therapist
finds the alert on their alerts page throughout. Kept apart from ``test_faults.py``, whose tests travel
in time: this one runs processes on a database of its own and must not run with the clock moved ahead.
"""

import json
import os
import signal
import subprocess
import time

import pytest
from django.db import connection

from outbox.models import Email
from tending.testing.fresh_db import PYTHON, ROOT, fresh_database, manage
from tending.testing.smtp import Report, SmtpServer, deliveries

pytestmark = [pytest.mark.slow, pytest.mark.django_db]

ITEM9_SEVERAL_DAYS = [1, 1, 0, 0, 0, 0, 0, 0, 1]


def test_a_worker_killed_mid_send_is_taken_over_and_the_email_delivered_once(tmp_path):
    """Real processes on a database of their own (the suite's engine): the worker is SIGKILLed while the
    server holds DATA."""
    server = SmtpServer().start()
    server.reply = "hang"
    try:
        with fresh_database(connection.vendor, tmp_path) as env:
            env.update(
                {
                    "TENDING_SMTP_HOST": "127.0.0.1",
                    "TENDING_SMTP_PORT": str(server.port),
                    "TENDING_SMTP_TLS": "0",
                    "TENDING_OUTBOX_CLAIM_SECONDS": "3",
                }
            )
            manage(env, "shell", "-c", RAISE)
            worker = subprocess.Popen(  # noqa: S603 - our own manage.py
                [PYTHON, str(ROOT / "manage.py"), "db_worker", "--no-startup-delay", "--interval", "0.2"],
                env=env,
                cwd=ROOT,
                start_new_session=True,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            try:
                assert server.hanging.wait(60), "the worker never reached the mail server"
            finally:
                os.killpg(worker.pid, signal.SIGKILL)
                worker.wait(30)
            server.reply = "accept"
            server.release.set()  # the held DATA is answered to a dead socket: nothing was accepted
            before = state(env)
            time.sleep(3.5)  # the killed worker's claim runs out
            manage(env, "clock", "--once")
            manage(env, "db_worker", "--batch", "--no-startup-delay")
            after = state(env)
    finally:
        server.stop()
    assert before["statuses"] == ["sending"] and before["seen"]
    assert after["statuses"] == ["sent"] and after["seen"]
    assert deliveries(server) == {after["message_ids"][0]: 1}
    report = Report("worker SIGKILLed mid-send", start=None)  # wall-clock seconds, not travelled minutes
    report.row.update(seen_after_minutes=0.0, delivered_after_minutes=round(3.5 / 60, 1))
    report.delivered(server, [Email(message_id=after["message_ids"][0])])
    report.save()


def state(env) -> dict:
    output = manage(env, "shell", "-c", STATE).stdout
    return json.loads(output.strip().splitlines()[-1])


RAISE = f"""
from tending.testing.personas import build_world
from measures.services import measure_response_record
w = build_world()
measure_response_record(client=w.client_a, instrument="phq9", answers={ITEM9_SEVERAL_DAYS})
"""

# Printed by ``manage.py shell`` in the killed-worker test: the alert's emails, and whether the therapist
# finds the alert on their alerts page.
STATE = """
import json
from django.test import Client
from django.urls import reverse
from outbox.models import Email
from risk.models import RiskAlert
alert = RiskAlert.objects.get()
http = Client()
http.force_login(alert.therapist.user, backend="accounts.backends.ModelBackend")
page = http.get(reverse("risk:list"), HTTP_HOST="localhost").content.decode()
emails = list(Email.objects.about("risk.riskalert", alert.uuid))
print(json.dumps({
    "statuses": [e.status for e in emails],
    "message_ids": [e.message_id for e in emails],
    "seen": reverse("risk:alert", kwargs={"alert_uuid": alert.uuid}) in page,
}))
"""

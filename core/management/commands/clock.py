"""The clock: runs Tending's periodic jobs on time, as one process beside the web and the worker.

Each job is a management command named ``<app>_<job>`` that runs ``<job>()`` in
``<app>/jobs.py`` (most only enqueue tasks for the worker). When
each last started is kept in the database (``core.ScheduledRun``) and claimed
with a conditional update, so a restart does not rerun everything and two clocks
never run one job twice. ``--once`` runs whatever is due and exits (for cron).

The clock outlives its database: an error (the server restarting, a full disk,
a lock) is logged, the connection dropped, and the next tick tries again. Each
run's finish or error is recorded, and ``/healthz/jobs`` (outbox/health.py)
answers 503 when a job has not started for twice its period.
"""

import logging
import time
from datetime import timedelta

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import DatabaseError, IntegrityError, close_old_connections, connections, transaction
from django.db.models import Q
from django.utils import timezone

from core.models import ScheduledRun

log = logging.getLogger("tending.clock")


def claim(name: str, every: timedelta, now) -> bool:
    """True for exactly one caller when ``name`` is due."""
    try:
        with transaction.atomic():
            ScheduledRun.objects.get_or_create(name=name, defaults={"last_started_at": None})
    except IntegrityError:
        pass  # another clock created it a moment ago
    due = Q(last_started_at__isnull=True) | Q(last_started_at__lte=now - every)
    return bool(ScheduledRun.objects.filter(due, name=name).update(last_started_at=now))


def run_due_jobs(now=None) -> list[str]:
    now = now or timezone.now()
    ran = []
    for name, seconds in settings.TENDING_SCHEDULE:
        if claim(name, timedelta(seconds=seconds), now):
            try:
                call_command(*name.split(), verbosity=0)
            except Exception as error:  # one failing job must not stop the others or the clock
                log.exception("scheduled job %s failed", name)
                _finished(name, f"{type(error).__name__}: {error}"[:300])
            else:
                ran.append(name)
                _finished(name, "")
    return ran


def _finished(name: str, error: str) -> None:
    changes = {"last_error": error} if error else {"last_error": "", "last_finished_at": timezone.now()}
    try:
        ScheduledRun.objects.filter(name=name).update(**changes)
    except DatabaseError:
        log.exception("could not record how scheduled job %s ended", name)


def tick() -> list[str]:
    """One look at the schedule that never raises: a database error waits for the next tick."""
    try:
        return run_due_jobs()
    except DatabaseError:
        log.exception("the clock could not reach the database; trying again at the next tick")
        for connection in connections.all():
            connection.close()
        return []


class Command(BaseCommand):
    help = "Run periodic jobs (reminders, escalation, retention, the symptom-shift watch) when they are due."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="Run what is due now, then exit.")
        parser.add_argument("--interval", type=float, default=30, help="Seconds between checks (default 30).")
        parser.add_argument("--ticks", type=int, default=0, help="Stop after this many checks (0: run for ever).")

    def handle(self, *args, once=False, interval=30, ticks=0, **options):
        done = 0
        while True:
            ran = tick()
            if ran:
                self.stdout.write(f"{timezone.now():%H:%M:%S} ran {', '.join(ran)}")
            done += 1
            if once or done == ticks:
                return
            close_old_connections()  # a connection the database dropped is not reused
            time.sleep(interval)

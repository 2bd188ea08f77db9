"""The clock: runs Tending's periodic jobs on time, as one process beside the web and the worker.

Each job is a management command (most only enqueue tasks for the worker). When
each last started is kept in the database (``core.ScheduledRun``) and claimed
with a conditional update, so a restart does not rerun everything and two clocks
never run one job twice. ``--once`` runs whatever is due and exits (for cron).
"""

import logging
import time
from datetime import timedelta

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import IntegrityError, transaction
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
                ran.append(name)
            except Exception:  # one failing job must not stop the others or the clock
                log.exception("scheduled job %s failed", name)
    return ran


class Command(BaseCommand):
    help = "Run periodic jobs (reminders, escalation, retention, the symptom-shift watch) when they are due."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="Run what is due now, then exit.")
        parser.add_argument("--interval", type=int, default=30, help="Seconds between checks (default 30).")

    def handle(self, *args, once=False, interval=30, **options):
        while True:
            ran = run_due_jobs()
            if ran:
                self.stdout.write(f"{timezone.now():%H:%M:%S} ran {', '.join(ran)}")
            if once:
                return
            time.sleep(interval)

"""Is the background work alive? The clock, the worker and the outbox, seen from the database.

A stopped clock or worker is silent by nature: reminders and alert emails simply
stop. ``/healthz/jobs`` answers 503 (for a monitor) and the owner's home shows a
banner when any of these holds:

- a periodic job has not started for twice its period (plus a minute for the clock's tick);
- an email has been due for longer than ``STUCK`` (the worker is not taking them);
- a task has been ready for the worker for longer than ``STUCK``.

``/healthz`` itself is unchanged: a stopped clock must not take the crisis page down.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.tasks import TaskResultStatus, task_backends
from django.utils import timezone
from django_tasks_db.models import DBTaskResult, get_date_max

from core.compiled import CompiledRead
from core.models import ScheduledRun
from outbox.models import Email

STUCK = timedelta(minutes=10)
SLACK = timedelta(minutes=1)


@dataclass
class JobsHealth:
    checked_at: datetime
    late_jobs: list[str] = field(default_factory=list)
    oldest_email_wait: timedelta | None = None
    oldest_task_wait: timedelta | None = None

    @property
    def emails_stuck(self) -> bool:
        return self.oldest_email_wait is not None and self.oldest_email_wait > STUCK

    @property
    def tasks_stuck(self) -> bool:
        return self.oldest_task_wait is not None and self.oldest_task_wait > STUCK

    @property
    def oldest_email_since(self):
        """When the longest-waiting email fell due (for the ``timesince`` filter)."""
        return None if self.oldest_email_wait is None else self.checked_at - self.oldest_email_wait

    @property
    def ok(self) -> bool:
        return not (self.late_jobs or self.emails_stuck or self.tasks_stuck)

    def as_dict(self) -> dict:
        def minutes(wait):
            return None if wait is None else round(wait.total_seconds() / 60, 1)

        return {
            "ok": self.ok,
            "late_jobs": self.late_jobs,
            "oldest_email_wait_minutes": minutes(self.oldest_email_wait),
            "oldest_task_wait_minutes": minutes(self.oldest_task_wait),
        }


# Read on each view of the owner's home and emails page and by a monitor: kept reads (core/compiled.py).
_STARTED = CompiledRead(ScheduledRun, lambda shape: ScheduledRun.objects.values_list("name", "last_started_at"), {})
_OLDEST_EMAIL = CompiledRead(
    Email,
    lambda shape, *, now: Email.objects.due(now).order_by("next_attempt_at").values_list("next_attempt_at")[:1],
    {"now": datetime},
)
# The task waiting longest to be taken: one to run at once (its run_after is django_tasks_db's "no time"), by when
# it was queued, and one to run from a time now passed, by that time.
_OLDEST_IMMEDIATE = CompiledRead(
    DBTaskResult,
    lambda shape, *, never: DBTaskResult.objects.filter(status=TaskResultStatus.READY, run_after=never)
    .order_by("enqueued_at")
    .values_list("enqueued_at")[:1],
    {"never": datetime},
)
_OLDEST_DEFERRED = CompiledRead(
    DBTaskResult,
    lambda shape, *, now, never: DBTaskResult.objects.filter(status=TaskResultStatus.READY, run_after__lte=now)
    .exclude(run_after=never)
    .order_by("run_after")
    .values_list("run_after")[:1],
    {"now": datetime, "never": datetime},
)


def health_asked(now) -> list:
    """The kept reads of ``jobs_health(now)``, to name to a page's panels (``core.panels.reading``)."""
    asked = [_STARTED.asked(), _OLDEST_EMAIL.asked(now=now)]
    if uses_database_worker():
        # As DBTaskResult.objects.ready(), which reads the clock itself.
        never = get_date_max()
        asked += [_OLDEST_IMMEDIATE.asked(never=never), _OLDEST_DEFERRED.asked(now=now, never=never)]
    return asked


def jobs_health(now=None) -> JobsHealth:
    now = now or timezone.now()
    health = JobsHealth(checked_at=now)
    started_read, oldest_email_read, *task_reads = health_asked(now)
    started = dict(started_read.rows())
    for name, seconds in settings.TENDING_SCHEDULE:
        last = started.get(name)
        if last is None or now - last > 2 * timedelta(seconds=seconds) + SLACK:
            health.late_jobs.append(name)
    (oldest,) = oldest_email_read.row(default=(None,))
    if oldest is not None:
        health.oldest_email_wait = max(now - oldest, timedelta(0))
    if task_reads:  # tasks wait in the database for ``db_worker`` (not run at once, as in tests)
        (immediate,), (deferred,) = (read.row(default=(None,)) for read in task_reads)
        health.oldest_task_wait = max(
            (now - moment for moment in (immediate, deferred) if moment is not None), default=None
        )
    return health


def uses_database_worker() -> bool:
    """True when tasks wait in the database for ``db_worker`` (not run at once, as in tests)."""
    return type(task_backends["default"]).__module__.startswith("django_tasks_db")

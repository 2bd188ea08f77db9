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


def jobs_health(now=None) -> JobsHealth:
    now = now or timezone.now()
    health = JobsHealth(checked_at=now)
    started = dict(_STARTED.rows())
    for name, seconds in settings.TENDING_SCHEDULE:
        last = started.get(name)
        if last is None or now - last > 2 * timedelta(seconds=seconds) + SLACK:
            health.late_jobs.append(name)
    (oldest,) = _OLDEST_EMAIL.row(now=now, default=(None,))
    if oldest is not None:
        health.oldest_email_wait = max(now - oldest, timedelta(0))
    health.oldest_task_wait = _oldest_task_wait(now)
    return health


def uses_database_worker() -> bool:
    """True when tasks wait in the database for ``db_worker`` (not run at once, as in tests)."""
    return type(task_backends["default"]).__module__.startswith("django_tasks_db")


def _oldest_task_wait(now) -> timedelta | None:
    if not uses_database_worker():
        return None
    # As DBTaskResult.objects.ready(), which reads the clock itself.
    never = get_date_max()
    (immediate,) = _OLDEST_IMMEDIATE.row(never=never, default=(None,))
    (deferred,) = _OLDEST_DEFERRED.row(now=now, never=never, default=(None,))
    waits = [now - moment for moment in (immediate, deferred) if moment is not None]
    return max(waits, default=None)

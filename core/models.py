from django.db import models


class ScheduledRun(models.Model):
    """When each periodic job last started and finished (``manage.py clock``; ``/healthz/jobs`` reads it)."""

    name = models.CharField(max_length=80, unique=True)
    last_started_at = models.DateTimeField(null=True, blank=True)
    last_finished_at = models.DateTimeField(null=True, blank=True)
    # The error of the last run that did not finish, in a line; empty once a run finishes.
    last_error = models.CharField(max_length=300, blank=True)

    def __str__(self):
        return self.name

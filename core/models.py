from django.db import models


class ScheduledRun(models.Model):
    """When each periodic job last started (``manage.py clock``)."""

    name = models.CharField(max_length=80, unique=True)
    last_started_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return self.name

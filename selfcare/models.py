import datetime
import secrets

from django.db import models
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from core.mixins import UUIDModel
from practice.models import Client


class Area(models.TextChoices):
    MIND = "mind", "Mind"
    BODY = "body", "Body"
    SOUL = "soul", "Soul"


AREA_HINTS = {
    Area.MIND: "Thoughts and feelings: reading, a puzzle, writing things down, talking to a friend.",
    Area.BODY: "Rest, movement and care: a walk by the river, a warm bath, an early night.",
    Area.SOUL: "Peace and fulfilment: music, nature, making something, time with people you love.",
}


class Rhythm(models.TextChoices):
    WHEN_I_LIKE = "when_i_like", "Whenever it feels right"
    MOST_DAYS = "most_days", "Most days"
    FEW_A_WEEK = "few_a_week", "A few times a week"
    WEEKLY = "weekly", "About once a week"
    MONTHLY = "monthly", "Now and then, about once a month"


class ActivityQuerySet(models.QuerySet):
    def for_client(self, client):
        return self.filter(client=client, is_archived=False)

    def with_last_done(self):
        # A correlated "latest tick" on the (activity, done_at) index, not a join and GROUP BY: with
        # ten practices' ticks (3.2 million) PostgreSQL chose to scan them all for one client's list.
        latest = Tick.objects.filter(activity=OuterRef("pk")).order_by("-done_at").values("done_at")[:1]
        return self.annotate(last_done=Subquery(latest))


class Activity(UUIDModel):
    """Something nurturing the client chose for themselves, in their own words."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="selfcare_activities")
    area = models.CharField(max_length=4, choices=Area)
    text = models.CharField(max_length=200)
    rhythm = models.CharField(max_length=12, choices=Rhythm, default=Rhythm.WHEN_I_LIKE)
    is_archived = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)

    objects = ActivityQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["client", "is_archived"])]

    def __str__(self):
        return self.text


class Tick(models.Model):
    """One time the client made room for an activity. No targets: just a record they can look back on."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="ticks")
    done_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["activity", "done_at"])]


def _token() -> str:
    return secrets.token_urlsafe(24)


class ReminderQuerySet(models.QuerySet):
    def switched_on(self):
        return self.filter(is_on=True).select_related("client__user", "client__practice")


def default_reminder_time() -> datetime.time:
    """Six in the evening. A callable, not a fixed time: Django's check warns (fields.W161) about a fixed
    default within ten seconds of the clock, which failed the deploy check when it ran at 18:00."""
    return datetime.time(18, 0)


class Reminder(models.Model):
    """The client's own reminder: off until they turn it on, in words they wrote."""

    class Days(models.TextChoices):
        EVERY_DAY = "every_day", "Every day"
        WEEKDAYS = "weekdays", "Monday to Friday"
        WEEKENDS = "weekends", "Saturday and Sunday"
        MONDAYS = "mon", "Mondays"
        WEDNESDAYS = "wed", "Wednesdays"
        FRIDAYS = "fri", "Fridays"
        SUNDAYS = "sun", "Sundays"

    client = models.OneToOneField(Client, on_delete=models.CASCADE, related_name="selfcare_reminder")
    is_on = models.BooleanField(default=False)
    time_of_day = models.TimeField(default=default_reminder_time)
    days = models.CharField(max_length=10, choices=Days, default=Days.EVERY_DAY)
    message = models.CharField(max_length=300, blank=True)
    stop_token = models.CharField(max_length=64, unique=True, default=_token)
    # The local date of the last reminder sent, so each day gets at most one.
    last_sent_on = models.DateField(null=True, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    objects = ReminderQuerySet.as_manager()

    def is_due_on(self, local_date) -> bool:
        weekday = local_date.weekday()
        return {
            "every_day": True,
            "weekdays": weekday < 5,
            "weekends": weekday >= 5,
            "mon": weekday == 0,
            "wed": weekday == 2,
            "fri": weekday == 4,
            "sun": weekday == 6,
        }[self.days]

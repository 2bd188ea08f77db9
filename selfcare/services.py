"""Writes for the self-care plan and its reminders."""

import datetime
import logging

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from outbox.services import email_queue
from selfcare.models import Activity, Reminder, Tick

logger = logging.getLogger(__name__)

# A reminder is sent at its time or within this long after (a worker that was down catches up),
# never hours later in the evening.
SEND_WINDOW = datetime.timedelta(hours=2)


def activity_add(*, client, area: str, text: str, rhythm: str) -> Activity:
    return Activity.objects.create(client=client, area=area, text=text.strip(), rhythm=rhythm)


def activity_update(*, activity: Activity, area: str, text: str, rhythm: str) -> Activity:
    activity.area, activity.text, activity.rhythm = area, text.strip(), rhythm
    activity.save(update_fields=["area", "text", "rhythm"])
    return activity


def activity_archive(*, activity: Activity) -> None:
    activity.is_archived = True
    activity.save(update_fields=["is_archived"])


def tick_record(*, activity: Activity, done_at=None) -> Tick:
    """One INSERT: the client made time for this."""
    return Tick.objects.create(activity=activity, done_at=done_at or timezone.now())


def tick_undo(*, activity: Activity, within=datetime.timedelta(minutes=30)) -> bool:
    """Take back a tick made by mistake in the last half hour."""
    latest = activity.ticks.filter(done_at__gte=timezone.now() - within).order_by("-done_at").first()
    if latest is None:
        return False
    latest.delete()
    return True


def reminder_for(client) -> Reminder:
    reminder, _ = Reminder.objects.get_or_create(client=client)
    return reminder


def reminder_update(*, client, is_on: bool, time_of_day, days: str, message: str) -> Reminder:
    with transaction.atomic():
        reminder = reminder_for(client)
        reminder.is_on, reminder.time_of_day, reminder.days = is_on, time_of_day, days
        reminder.message = message.strip()
        reminder.updated_at = timezone.now()
        reminder.save(update_fields=["is_on", "time_of_day", "days", "message", "updated_at"])
    return reminder


def reminder_stop(*, token: str) -> Reminder | None:
    """The one-click stop from an email. Idempotent; an unknown token changes nothing."""
    reminder = Reminder.objects.filter(stop_token=token).first()
    if reminder is None:
        return None
    if reminder.is_on:
        reminder.is_on = False
        reminder.updated_at = timezone.now()
        reminder.save(update_fields=["is_on", "updated_at"])
    return reminder


def _local_now(reminder, now):
    return now.astimezone(reminder.client.practice.zone)


def reminders_due(now=None) -> list[Reminder]:
    now = now or timezone.now()
    due = []
    for reminder in Reminder.objects.switched_on():
        local = _local_now(reminder, now)
        today = local.date()
        at = datetime.datetime.combine(today, reminder.time_of_day, tzinfo=local.tzinfo)
        if reminder.last_sent_on == today or not reminder.is_due_on(today):
            continue
        if at <= local < at + SEND_WINDOW:
            due.append(reminder)
    return due


def reminder_claim(*, reminder: Reminder, local_date) -> bool:
    """Mark today's reminder as sent. A conditional UPDATE, so two workers never both send it."""
    claimed = (
        Reminder.objects.filter(pk=reminder.pk, is_on=True)
        .exclude(last_sent_on=local_date)
        .update(last_sent_on=local_date)
    )
    return claimed == 1


def stop_url(reminder: Reminder) -> str:
    return settings.SITE_URL + reverse("selfcare:reminder_stop", kwargs={"token": reminder.stop_token})


def reminder_send(*, reminder: Reminder) -> None:
    """The email holds only the client's own words and two links: no clinical detail."""
    context = {
        "reminder": reminder,
        "name": reminder.client.display_name,
        "plan_url": settings.SITE_URL + reverse("selfcare:plan"),
        "stop_url": stop_url(reminder),
    }
    message = EmailMultiAlternatives(
        subject="A note from you, to you",
        body=render_to_string("selfcare/email/reminder.txt", context),
        to=[reminder.client.user.email],
        headers={
            "List-Unsubscribe": f"<{context['stop_url']}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
    message.attach_alternative(render_to_string("selfcare/email/reminder.html", context), "text/html")
    email_queue(message, kind="Self-care reminder", practice=reminder.client.practice)

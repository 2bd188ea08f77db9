"""Bookings' periodic jobs, run by the clock (``TENDING_SCHEDULE``) or cron as management commands.

- ``bookings_reminders`` (every 15 minutes): enqueue the appointment reminders and check-in nudges
  that are due; the worker sends them (``bookings/tasks.py``).
- ``bookings_purge`` (daily): delete consultation requests that came to nothing after 90 days.
- ``bookings_waiting`` (hourly): remind the practice, once, of a free consultation asked for without a
  time that has waited two working days (``consultation_requests.requests_remind``).

``bookings_tick``, the name both had before, still runs the two for one release.
"""

from datetime import timedelta

from django.db.models import Max, Q
from django.utils import timezone

from bookings.consultation_requests import requests_remind
from bookings.models import Appointment, BookingSettings, NudgeSent
from bookings.services_front_door import consultations_purge
from bookings.tasks import send_appointment_reminder, send_booking_nudge
from onboarding.models import ConsentChoice, ConsentKind
from practice.models import Client, Practice


def enqueue_due_reminders(*, now=None, lookahead=timedelta(hours=1)) -> int:
    """Reminders whose send time (start - the practice's reminder hours) falls before now + lookahead."""
    now = now or timezone.now()
    count = 0
    hours = dict(BookingSettings.objects.values_list("practice_id", "reminder_hours"))
    for practice_id in Practice.objects.values_list("pk", flat=True):
        reminder_hours = hours.get(practice_id, BookingSettings._meta.get_field("reminder_hours").default)
        due_before = now + timedelta(hours=reminder_hours) + lookahead
        due = (
            Appointment.objects.active()
            .filter(practice_id=practice_id, reminder_sent_at__isnull=True, start__gt=now, start__lte=due_before)
            .values_list("pk", flat=True)
        )
        for pk in due:
            send_appointment_reminder.enqueue(pk)
            count += 1
    return count


def enqueue_nudges(*, now=None) -> int:
    """Clients who asked for a nudge, with no session ahead and none for their chosen gap, and no nudge since."""
    now = now or timezone.now()
    count = 0
    clients = Client.objects.filter(care_status=Client.CareStatus.ACTIVE).annotate(
        last_session=Max("appointments__start", filter=~Q(appointments__status=Appointment.Status.CANCELLED))
    )
    latest_choice = {}
    for choice in ConsentChoice.objects.filter(kind=ConsentKind.BOOKING_NUDGE).order_by(
        "client_id", "-decided_at", "-id"
    ):
        latest_choice.setdefault(choice.client_id, choice)
    for client in clients.filter(pk__in=[cid for cid, c in latest_choice.items() if c.granted]):
        choice = latest_choice[client.pk]
        gap = timedelta(days=choice.gap_days or 28)
        if client.last_session is None or client.last_session > now - gap:
            continue  # a session is ahead, or the gap has not passed yet
        last_nudge = NudgeSent.objects.filter(client=client).aggregate(m=Max("sent_at"))["m"]
        if last_nudge and last_nudge > client.last_session:
            continue
        send_booking_nudge.enqueue(client.pk)
        count += 1
    return count


def reminders(*, now=None) -> dict:
    """The ``bookings_reminders`` job."""
    return {"reminders": enqueue_due_reminders(now=now), "nudges": enqueue_nudges(now=now)}


def purge(*, now=None) -> dict:
    """The ``bookings_purge`` job."""
    return {"purged": consultations_purge(now=now)}


def waiting(*, now=None) -> dict:
    """The ``bookings_waiting`` job."""
    return {"reminded": requests_remind(now=now)}

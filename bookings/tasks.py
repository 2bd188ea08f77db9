"""Background work for bookings, run by the database-backed worker (``manage.py db_worker``).

``manage.py bookings_tick`` (every 15 minutes from cron or a systemd timer; see
docs/bookings.md) finds what is due and enqueues these tasks; each one is
idempotent, so a tick that runs twice sends nothing twice.
"""

from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.tasks import task
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from bookings.models import Appointment
from bookings.services import _email_context, _recipient
from outbox.services import email_queue


@task
def send_appointment_email(*, appointment_id: int, template: str, subject: str, change: str, method: str) -> bool:
    """A confirmation or change email with its calendar file."""
    from bookings.services import appointment_email_send

    return appointment_email_send(
        appointment_id=appointment_id, template=template, subject=subject, change=change, method=method
    )


@task
def send_appointment_reminder(appointment_id: int) -> bool:
    """Email one reminder, at most once per appointment time (moving it re-arms the reminder)."""
    from onboarding.consents import has_consent

    appointment = Appointment.objects.with_people().filter(pk=appointment_id).first()
    if appointment is None or not appointment.is_active or appointment.start <= timezone.now():
        return False
    if appointment.client_id:
        if appointment.client.care_status != "active" or not has_consent(appointment.client, "email_reminders"):
            return False
    with transaction.atomic():
        # Claim the reminder first: only one worker wins the conditional update.
        claimed = Appointment.objects.filter(
            pk=appointment.pk, reminder_sent_at__isnull=True, start=appointment.start
        ).update(reminder_sent_at=timezone.now())
        if not claimed:
            return False
        message = EmailMessage(
            subject=f"Reminder: your {appointment.get_kind_display().lower()} with {appointment.practice.name}",
            body=render_to_string("bookings/email/reminder.txt", _email_context(appointment)),
            to=[_recipient(appointment)],
        )
        email_queue(
            message,
            kind="Appointment reminder",
            practice=appointment.practice,
            about=("bookings.appointment", appointment.uuid),
        )
    return True


@task
def send_booking_nudge(client_id: int) -> bool:
    """The client-chosen "shall we book a check-in?" note."""
    from bookings.models import NudgeSent
    from practice.models import Client

    client = Client.objects.select_related("user", "practice").filter(pk=client_id).first()
    if client is None:
        return False
    context = {
        "name": client.display_name,
        "practice": client.practice,
        "url": settings.SITE_URL + reverse("bookings:mine"),
        "choices_url": settings.SITE_URL + reverse("onboarding:choices"),
    }
    message = EmailMessage(
        subject=f"Shall we book a check-in? ({client.practice.name})",
        body=render_to_string("bookings/email/nudge.txt", context),
        to=[client.user.email],
    )
    with transaction.atomic():
        NudgeSent.objects.create(client=client)
        email_queue(message, kind="Booking nudge", practice=client.practice)
    return True


def local_time(appointment, zone_name: str):
    return appointment.start.astimezone(ZoneInfo(zone_name))

"""Background work for bookings, run by the database-backed worker (``manage.py db_worker``).

``bookings/jobs.py`` (the clock's ``bookings_reminders``, every 15 minutes) finds what is due and
enqueues these tasks; each one is idempotent, so a job that runs twice sends nothing twice.
"""

from django.db import transaction
from django.tasks import task
from django.utils import timezone

from bookings.emails import appointment_email_send, nudge_email_queue, reminder_email_queue
from bookings.models import Appointment, NudgeSent
from onboarding.consents import has_consent
from practice.models import Client


@task
def send_appointment_email(*, appointment_id: int, template: str, subject: str, change: str, method: str) -> bool:
    """A confirmation or change email with its calendar file."""
    return appointment_email_send(
        appointment_id=appointment_id, template=template, subject=subject, change=change, method=method
    )


@task
def send_appointment_reminder(appointment_id: int) -> bool:
    """Email one reminder, at most once per appointment time (moving it re-arms the reminder)."""
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
        reminder_email_queue(appointment=appointment)
    return True


@task
def send_booking_nudge(client_id: int) -> bool:
    """The client-chosen "shall we book a check-in?" note."""
    client = Client.objects.select_related("user", "practice").filter(pk=client_id).first()
    if client is None:
        return False
    with transaction.atomic():
        NudgeSent.objects.create(client=client)
        nudge_email_queue(client=client)
    return True

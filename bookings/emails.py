"""Booking emails: what is sent, to whom, and when.

Every email is written to the outbox in the caller's transaction (``outbox/README.md``): it goes
if, and only if, the booking it tells of is kept, and the worker sends it once committed.

- Booked: a consultation (``consultation_booked``) or a session (``session_booked``), with its
  calendar file; a visitor over the practice's limit gets ``already_booked`` instead.
- Changed: moved, cancelled, restored, confirmed or given a new therapist (``changed``), with the
  updated calendar file; nothing goes to a client whose care is paused.
- A consultation's outcome "not now" (``not_now``).
- The reminder before an appointment and the check-in nudge (``reminder``, ``nudge``): the worker's
  tasks (``bookings/tasks.py``) decide whether they are due and allowed.
"""

from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse

from bookings import ics
from bookings.manage_links import manage_url
from bookings.models import Appointment
from outbox.services import email_queue


def booking_email_queue(
    *,
    subject: str,
    template: str,
    context: dict,
    to: str,
    kind: str,
    practice,
    appointment: Appointment | None = None,
    method=None,
):
    """Write one booking email (with its calendar file, for an appointment) to the outbox, in the
    caller's transaction: it goes if, and only if, the booking it tells of is kept."""
    body = render_to_string(template, context)
    message = EmailMessage(subject=subject, body=body, to=[to])
    about = None
    if appointment is not None:
        message.attach(
            "appointment.ics",
            ics.appointment_ics(appointment, method=method or "PUBLISH", manage=context.get("manage_url", "")),
            "text/calendar",
        )
        about = ("bookings.appointment", appointment.uuid)
    email_queue(message, kind=kind, practice=practice, about=about)


def recipient(appointment: Appointment) -> str:
    if appointment.client_id:
        return appointment.client.user.email
    return appointment.consultation.email if appointment.consultation_id else ""


def email_context(appointment: Appointment) -> dict:
    consultation = appointment.consultation
    zone_name = consultation.time_zone if consultation else appointment.practice.time_zone
    zone = ZoneInfo(zone_name)
    return {
        "appointment": appointment,
        "practice": appointment.practice,
        "therapist": appointment.therapist,
        "local_start": appointment.start.astimezone(zone),
        "local_end": appointment.end.astimezone(zone),
        "zone_name": zone_name,
        "manage_url": manage_url(consultation)
        if consultation
        else settings.SITE_URL + reverse("bookings:session", kwargs={"appointment_uuid": appointment.uuid}),
        "video_url": appointment.video_url(),
        "name": consultation.name if consultation else appointment.client.display_name if appointment.client else "",
        "crisis_url": settings.SITE_URL + reverse("practice:crisis"),
    }


def appointment_email_queue(
    *, appointment: Appointment, template: str, subject: str, change: str = "", method: str = "PUBLISH"
):
    """Queue the email (with its calendar file) with the booking; the worker sends it once committed."""
    to = recipient(appointment)
    if not to:
        return
    booking_email_queue(
        subject=subject,
        template=f"bookings/email/{template}.txt",
        context={**email_context(appointment), "change": change},
        to=to,
        kind="Appointment change" if change else "Appointment booked",
        practice=appointment.practice,
        appointment=appointment,
        method=method,
    )


def appointment_email_send(*, appointment_id: int, template: str, subject: str, change: str, method: str) -> bool:
    """For tasks enqueued before the outbox existed: queue the email now."""
    appointment = Appointment.objects.with_people().filter(pk=appointment_id).first()
    if appointment is None or not recipient(appointment):
        return False
    with transaction.atomic():
        appointment_email_queue(
            appointment=appointment, template=template, subject=subject, change=change, method=method
        )
    return True


def change_email_queue(*, appointment: Appointment, change: str) -> None:
    """Tell the person of a change (``moved``, ``cancelled``, ``restored``, ``confirmed``, ``new_therapist``)."""
    to = recipient(appointment)
    if not to or (appointment.client_id and appointment.client.care_status == "paused"):
        return
    appointment_email_queue(
        appointment=appointment,
        template="changed",
        subject=f"Your appointment with {appointment.practice.name}",
        change=change,
        method="CANCEL" if change == "cancelled" else "PUBLISH",
    )


def reminder_email_queue(*, appointment: Appointment) -> None:
    """The reminder before an appointment: its time and place, no clinical content."""
    message = EmailMessage(
        subject=f"Reminder: your {appointment.get_kind_display().lower()} with {appointment.practice.name}",
        body=render_to_string("bookings/email/reminder.txt", email_context(appointment)),
        to=[recipient(appointment)],
    )
    email_queue(
        message,
        kind="Appointment reminder",
        practice=appointment.practice,
        about=("bookings.appointment", appointment.uuid),
    )


def nudge_email_queue(*, client) -> None:
    """The client-chosen "shall we book a check-in?" note."""
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
    email_queue(message, kind="Booking nudge", practice=client.practice)


def therapist_told_email_queue(*, appointment: Appointment, change: str, was) -> None:
    """Tell the therapist that a client moved (``moved``) or cancelled (``cancelled``) a session themselves.

    No client's name and nothing clinical: an email can be read over a shoulder or kept on a server. The
    link opens the appointment in Tending, after signing in, where the therapist sees who it is.
    """
    therapist = appointment.therapist
    zone = appointment.practice.zone
    context = {
        "change": change,
        "kind": appointment.get_kind_display().lower(),
        "was": was.astimezone(zone),
        "now": appointment.start.astimezone(zone),
        "zone_name": appointment.practice.time_zone,
        "name": therapist.display_name,
        "practice": appointment.practice,
        "url": settings.SITE_URL + reverse("bookings:appointment", kwargs={"appointment_uuid": appointment.uuid}),
    }
    message = EmailMessage(
        subject=f"A client {change} a {context['kind']} ({appointment.practice.name})",
        body=render_to_string("bookings/email/client_changed.txt", context),
        to=[therapist.user.email],
    )
    email_queue(
        message,
        kind="Client changed a session",
        practice=appointment.practice,
        about=("bookings.appointment", appointment.uuid),
    )

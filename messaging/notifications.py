"""Emails about messages: never their words, at most one an hour per conversation and side, a therapist's
held until their working hours (messaging/README.md).

``message_sent`` runs just after a message is committed. It tells the other side at once when it may:
the client whenever they allow emails; the practice's side (the therapist, or the administrators for the
practice conversation) only inside their working hours. Whatever it does not send now, the clock's
``messaging_emails`` job (messaging/jobs.py, every five minutes) sends later, once:

- "held" needs no field of its own: a side is owed an email while the conversation has a message from the
  other side that it has not read (``*_read_up_to``), sent after that side's last email (``*_emailed_at``);
- each email is claimed by a conditional update of ``*_emailed_at`` (null, or more than an hour ago), so the
  hook and the job, or two workers, never send two within the hour.
"""

import datetime
import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from bookings.models import WorkingHours
from messaging.models import Conversation, Message, MessagingSettings
from messaging.replies import WEEKDAYS, Calendar
from outbox.services import email_queue
from practice.models import StaffMember

logger = logging.getLogger(__name__)

# At most one email an hour per conversation and side.
QUIET = datetime.timedelta(hours=1)
# Working hours of someone who has set none, and of the practice office: Monday to Friday, 09:00 to 17:00.
DEFAULT_HOURS = (datetime.time(9), datetime.time(17))
EMAIL_KIND = "New message"


def message_sent(*, message_id: int) -> None:
    """Called after a message is committed: decide who is told, and when. Never raises: a failure here
    must not turn a stored message into an error page, and the job sends what was missed."""
    try:
        message = Message.objects.select_related("conversation__client__practice").get(pk=message_id)
        if message.from_client:
            tell_practice(conversation=message.conversation)
        else:
            tell_client(conversation=message.conversation)
    except Exception:  # noqa: BLE001 (logged without words; the job retries)
        logger.exception("Could not write the email about message %s; the messaging_emails job will", message_id)


def working_now(*, practice, staff: StaffMember | None, now: datetime.datetime) -> bool:
    """Whether ``staff`` (the practice office when None) is inside their working hours at ``now``: a working
    day of theirs (not a day off, away or a public holiday; messaging/replies.py) and within that weekday's
    hours (bookings' WorkingHours in the practice's time zone; Monday to Friday 09:00–17:00 when none)."""
    local = now.astimezone(practice.zone)
    day, time = local.date(), local.time()
    ranges = []
    if staff is None:
        calendar = Calendar.of_practice(practice)
    else:
        calendar = Calendar.of(staff, day, days=0)
        ranges = list(WorkingHours.objects.filter(therapist=staff).values_list("weekday", "start_time", "end_time"))
    if not ranges:
        ranges = [(weekday, *DEFAULT_HOURS) for weekday in WEEKDAYS]
    if not calendar.is_working_day(day):
        return False
    return any(weekday == day.weekday() and start <= time < end for weekday, start, end in ranges)


def _practice_side(conversation: Conversation) -> list[StaffMember]:
    """Who on the practice's side is emailed: the client's therapist for their care conversation, the
    practice's administrators for the practice conversation; each only while they want emails."""
    client = conversation.client
    if conversation.kind == Conversation.Kind.CARE:
        people = [client.therapist] if client.therapist and client.therapist.is_active else []
    else:
        people = list(
            StaffMember.objects.in_practice(client.practice)
            .filter(is_administrator=True, is_active=True)
            .select_related("user")
        )
    # Emails are on unless they turned them off (no settings row yet: the defaults, emails on).
    off = set(MessagingSettings.objects.filter(staff__in=people, emails=False).values_list("staff_id", flat=True))
    return [staff for staff in people if staff.user.email and staff.pk not in off]


def _claim(conversation: Conversation, field: str, now: datetime.datetime) -> bool:
    """Take this side's email for the hour: True for exactly one caller."""
    quiet = Q(**{f"{field}__isnull": True}) | Q(**{f"{field}__lte": now - QUIET})
    return Conversation.objects.filter(pk=conversation.pk).filter(quiet).update(**{field: now}) == 1


def _link(name: str, **kwargs) -> str:
    return settings.SITE_URL.rstrip("/") + reverse(name, kwargs=kwargs or None)


def tell_practice(*, conversation: Conversation, now: datetime.datetime | None = None) -> bool:
    """Email the practice's side that the client wrote, if they are in working hours and not emailed this
    hour. Returns whether emails were written (False: none wanted, held, or already told this hour)."""
    now = now or timezone.now()
    client = conversation.client
    if client.is_erased:
        return False
    office = conversation.kind == Conversation.Kind.OFFICE
    people = _practice_side(conversation)
    if not people:
        return False
    if not working_now(practice=client.practice, staff=None if office else client.therapist, now=now):
        return False  # held: the job sends it at the start of their next working hours
    name = "messaging:office_conversation" if office else "messaging:conversation"
    url = _link(name, client_uuid=client.uuid)
    with transaction.atomic():
        if not _claim(conversation, "staff_emailed_at", now):
            return False
        for staff in people:
            context = {"staff": staff, "practice": client.practice, "office": office, "url": url}
            message = EmailMessage(
                subject=f"{client.practice.name}: a new message in Tending",
                body=render_to_string("messaging/email/to_staff.txt", context),
                to=[staff.user.email],
            )
            email_queue(
                message, kind=EMAIL_KIND, practice=client.practice, about=("messaging.conversation", conversation.uuid)
            )
    return True


def tell_client(*, conversation: Conversation, now: datetime.datetime | None = None) -> bool:
    """Email the client that the practice's side wrote, if they allow it and were not emailed this hour."""
    now = now or timezone.now()
    client = conversation.client
    if client.is_erased or not conversation.client_emails or not client.user.email:
        return False
    office = conversation.kind == Conversation.Kind.OFFICE
    sender = client.practice.name if office else client.therapist.display_name
    url = _link("messaging:mine_kind", kind="office") if office else _link("messaging:mine")
    with transaction.atomic():
        if not _claim(conversation, "client_emailed_at", now):
            return False
        context = {"client": client, "sender": sender, "url": url}
        message = EmailMessage(
            subject=f"You have a new message from {sender} in Tending",
            body=render_to_string("messaging/email/to_client.txt", context),
            to=[client.user.email],
        )
        email_queue(
            message, kind=EMAIL_KIND, practice=client.practice, about=("messaging.conversation", conversation.uuid)
        )
    return True

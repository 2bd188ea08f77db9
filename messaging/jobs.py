"""The clock's messaging job (``messaging_emails`` in ``TENDING_SCHEDULE``, every five minutes): the emails
``message_sent`` could not send at once (messaging/notifications.py).

- A therapist's email held because the client wrote outside their working hours goes at the start of
  their next working hours, once.
- A message that came within the hour after an email (so was not emailed) is told an hour later if it
  is still unread: at most one email an hour per conversation and side, and no message forgotten.
"""

import datetime
import logging

from django.db.models import F, Max, Q
from django.utils import timezone

from messaging.models import Conversation
from messaging.notifications import QUIET, tell_client, tell_practice

logger = logging.getLogger(__name__)

# Unread messages older than this are not emailed about again (they were told, or emails were off).
LOOK_BACK = datetime.timedelta(days=14)


def _owed(now, *, from_client: bool):
    """Conversations whose side has an unread message from the other side sent after that side's last email,
    and which have not been emailed within the hour."""
    side = "staff" if from_client else "client"
    newest = Max(
        "messages__sent_at",
        filter=Q(messages__sender_staff__isnull=from_client, messages__pk__gt=F(f"{side}_read_up_to")),
    )
    owed = (
        Conversation.objects.filter(last_message_at__gte=now - LOOK_BACK)
        .exclude(client__erasure__completed_at__isnull=False)
        .annotate(newest_unread=newest)
        .filter(newest_unread__isnull=False, newest_unread__gte=now - LOOK_BACK)
        .filter(Q(**{f"{side}_emailed_at__isnull": True}) | Q(newest_unread__gt=F(f"{side}_emailed_at")))
        .filter(Q(**{f"{side}_emailed_at__isnull": True}) | Q(**{f"{side}_emailed_at__lte": now - QUIET}))
    )
    if from_client:
        # A therapist who took over without the earlier messages is not told about ones they cannot see.
        owed = owed.filter(Q(staff_sees_from__isnull=True) | Q(newest_unread__gte=F("staff_sees_from")))
    else:
        owed = owed.filter(client_emails=True)
    return owed.select_related("client__practice", "client__therapist__user", "client__user").order_by("pk")


def emails(now=None) -> int:
    """The ``messaging_emails`` job. Returns how many conversations' emails were written."""
    now = now or timezone.now()
    sent = 0
    for from_client, tell in ((True, tell_practice), (False, tell_client)):
        for conversation in _owed(now, from_client=from_client):
            try:
                sent += tell(conversation=conversation, now=now)
            except Exception:  # noqa: BLE001 (one conversation never stops the others; tried again next run)
                logger.exception("Could not write the email about conversation %s", conversation.pk)
    return sent

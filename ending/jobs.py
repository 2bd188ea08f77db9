"""The clock's ending job (``ending_follow_ups`` in ``TENDING_SCHEDULE``, hourly).

When a follow-up the client chose falls due, one gentle invitation goes through the outbox: no clinical
words, a link to sign in. Never a second one: an unanswered follow-up is never chased, and closes quietly.
Each follow-up is claimed with ``UPDATE … WHERE invited_at IS NULL`` in the transaction that writes its
email, so of two runs at once only one writes it.
"""

import datetime
import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from ending.followups import is_available
from ending.models import FollowUp
from outbox.services import email_queue

logger = logging.getLogger(__name__)


def _candidates(now):
    # A day ahead of the server's date, so a practice east of it is not a day late; each is checked in its zone.
    latest = timezone.localdate(now) + datetime.timedelta(days=1)
    return (
        FollowUp.objects.filter(
            due_on__lte=latest,
            invited_at__isnull=True,
            answered_at__isnull=True,
            cancelled_at__isnull=True,
            client__care_status="ended",
        )
        .exclude(client__erasure__completed_at__isnull=False)
        .select_related("client__practice", "client__user")
        .order_by("due_on", "pk")
    )


def invite(follow_up, now) -> bool:
    """Claim ``follow_up`` and write its one invitation; False when another run claimed it first."""
    client = follow_up.client
    with transaction.atomic():
        claimed = FollowUp.objects.filter(
            pk=follow_up.pk, invited_at__isnull=True, answered_at__isnull=True, cancelled_at__isnull=True
        ).update(invited_at=now)
        if not claimed:
            return False
        message = EmailMessage(
            subject=f"A gentle check-in from {client.practice.name}, if you'd like it",
            body=render_to_string(
                "ending/email/follow_up_invite.txt",
                {
                    "client": client,
                    "practice": client.practice,
                    "url": settings.SITE_URL + reverse("ending:follow_up", kwargs={"follow_up_uuid": follow_up.uuid}),
                },
            ),
            to=[client.user.email],
        )
        email_queue(
            message, kind="Follow-up check-in", practice=client.practice, about=("ending.followup", follow_up.uuid)
        )
    return True


def follow_ups(now=None) -> int:
    """The ``ending_follow_ups`` job. Returns how many invitations were written."""
    now = now or timezone.now()
    sent = 0
    for follow_up in _candidates(now):
        today = timezone.localdate(now, timezone=follow_up.client.practice.zone)
        if not is_available(follow_up, today):
            continue  # not due yet in the practice's zone, or already closed: it closes quietly, unsent
        if not follow_up.client.user.is_active:
            continue
        try:
            sent += invite(follow_up, now)
        except Exception:  # noqa: BLE001 (one follow-up never stops the others; tried again next run)
            logger.exception("Could not write the invitation for follow-up %s", follow_up.pk)
    return sent

"""A client's care: active, paused (nothing is sent to them) or ended, with its dated history."""

from datetime import datetime, time

from django.db import transaction

from audit.models import AuditEvent
from audit.services import audit_change
from practice.models import CareChange, Client
from practice.signals import care_status_changed


def care_status_change(*, client, status: str, since, staff, request=None):
    """Set a client's care to active, paused or ended from ``since``, keeping the dated history.

    Ending care cancels sessions booked after that date (paused keeps them, but sends nothing): bookings
    does that on ``care_status_changed``, in this transaction.
    """
    with transaction.atomic():
        CareChange.objects.create(client=client, status=status, since=since, changed_by=staff)
        client.care_status = status
        client.care_status_since = since
        client.save(update_fields=["care_status", "care_status_since"])
        care_status_changed.send(sender=CareChange, client=client, status=status, since=since)
        audit_change(
            AuditEvent.Action.UPDATE,
            client,
            actor=staff.user,
            client=client,
            request=request,
            fields=["care_status"],
            detail={"status": status},
        )


class CareHasEnded(Exception):
    """Our work together with this client has ended: nothing new reaches out to them (issue 21). Each domain
    refuses in its own service (a questionnaire, a suggested practice, a shared journal entry) with this."""


def care_ended_at(client) -> datetime | None:
    """When the client's care ended (None while it has not): what they do from then on is theirs alone."""
    if not client.care_has_ended:
        return None
    changed = (
        CareChange.objects.filter(client=client, status=Client.CareStatus.ENDED)
        .order_by("-changed_at")
        .values_list("changed_at", flat=True)
        .first()
    )
    return changed or datetime.combine(client.care_status_since, time.min, tzinfo=client.practice.zone)

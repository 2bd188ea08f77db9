"""A client's care: active, paused (nothing is sent to them) or ended, with its dated history."""

from django.db import transaction

from audit.models import AuditEvent
from audit.services import audit_change
from practice.models import CareChange
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

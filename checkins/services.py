"""Writes for check-ins."""

from django.db import transaction
from django.utils import timezone

from audit.models import AuditEvent
from audit.services import audit_record
from checkins.models import SCALES, CheckIn
from practice.models import Client

FIELDS = (*SCALES, "feelings", "body_areas", "note")


class CheckInError(ValueError):
    pass


def client_today(client: Client):
    """Today's date where the client's practice is."""
    return timezone.localtime(timezone.now(), client.practice.zone).date()


def checkin_record(*, client: Client, data: dict, request=None) -> CheckIn:
    """Save a new check-in for today."""
    with transaction.atomic():
        checkin = CheckIn.objects.create(client=client, local_date=client_today(client), **_clean(data))
        audit_record(
            action=AuditEvent.Action.CREATE,
            object_type="checkins.checkin",
            object_id=checkin.uuid,
            request=request,
            client=client,
        )
    return checkin


def checkin_update(*, checkin: CheckIn, data: dict, request=None) -> CheckIn:
    """Change a check-in. Only today's may change; earlier ones are part of the journey."""
    if checkin.local_date != client_today(checkin.client):
        raise CheckInError("Only today's check-in can be changed.")
    values = _clean(data)
    with transaction.atomic():
        for name, value in values.items():
            setattr(checkin, name, value)
        checkin.updated_at = timezone.now()
        checkin.save(update_fields=[*values, "updated_at"])
        audit_record(
            action=AuditEvent.Action.UPDATE,
            object_type="checkins.checkin",
            object_id=checkin.uuid,
            request=request,
            client=checkin.client,
            detail={"fields": sorted(values)},
        )
    return checkin


def _clean(data: dict) -> dict:
    values = {name: data.get(name) for name in FIELDS}
    values["feelings"] = list(values["feelings"] or [])
    values["body_areas"] = list(values["body_areas"] or [])
    values["note"] = (values["note"] or "").strip() or None
    return values

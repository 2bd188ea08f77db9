"""Writes for check-ins.

A check-in with a new or changed note is saved with a pending risk check in the same transaction
(risk/checks.py): the therapist is told of risk words only with the client's ``checkin_risk_alerts``
consent, and a failure on the way leaves the check due, never the alert lost.

After the ending (``Client.care_has_ended``) a check-in is marked ``after_ending``: the client's alone,
left out of every staff read (checkins.selectors), and its note is never checked for the practice.
"""

from django.db import transaction
from django.utils import timezone

from audit.models import AuditEvent
from audit.services import audit_change
from checkins.models import SCALES, CheckIn
from practice.models import Client
from risk.checks import risk_check_request
from risk.detection import safe_detect
from risk.models import RiskAlert

FIELDS = (*SCALES, "feelings", "body_areas", "note")


class CheckInError(ValueError):
    pass


def client_today(client: Client):
    """Today's date where the client's practice is."""
    return timezone.localtime(timezone.now(), client.practice.zone).date()


def checkin_record(*, client: Client, data: dict, request=None) -> CheckIn:
    """Save a new check-in for today."""
    with transaction.atomic():
        checkin = CheckIn.objects.create(
            client=client, local_date=client_today(client), after_ending=client.care_has_ended, **_clean(data)
        )
        if checkin.note:
            _check_note(checkin)
        audit_change(AuditEvent.Action.CREATE, checkin, client=client, request=request)
    return checkin


def checkin_update(*, checkin: CheckIn, data: dict, request=None) -> CheckIn:
    """Change a check-in. Only today's may change; earlier ones are part of the journey."""
    if checkin.local_date != client_today(checkin.client):
        raise CheckInError("Only today's check-in can be changed.")
    values = _clean(data)
    with transaction.atomic():
        note_changed = values["note"] != checkin.note
        for name, value in values.items():
            setattr(checkin, name, value)
        checkin.updated_at = timezone.now()
        # Changed after our work together ended: the whole check-in is the client's alone from now on.
        checkin.after_ending = checkin.after_ending or checkin.client.care_has_ended
        checkin.save(update_fields=[*values, "updated_at", "after_ending"])
        if checkin.note and note_changed:
            _check_note(checkin)
        audit_change(AuditEvent.Action.UPDATE, checkin, client=checkin.client, request=request, fields=values)
    return checkin


def _check_note(checkin: CheckIn) -> None:
    risk_check_request(
        client=checkin.client,
        source=RiskAlert.Source.CHECKIN_NOTE,
        source_id=checkin.uuid,
        findings=safe_detect(checkin.note),
    )


def _clean(data: dict) -> dict:
    values = {name: data.get(name) for name in FIELDS}
    values["feelings"] = list(values["feelings"] or [])
    values["body_areas"] = list(values["body_areas"] or [])
    values["note"] = (values["note"] or "").strip() or None
    return values

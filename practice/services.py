"""Writes for the practice: its settings, and the owner's emergency access."""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from audit.models import AuditEvent
from audit.services import audit_change, audit_record
from practice.models import Client, EmergencyAccess, Practice, StaffMember


def practice_update(*, practice: Practice, changed: dict, actor, request=None) -> Practice:
    with transaction.atomic():
        for field, value in changed.items():
            setattr(practice, field, value)
        if {"country", "extra_crisis_line", "extra_crisis_number"} & changed.keys():
            practice.crisis_contacts_confirmed_on = timezone.localdate()
            changed = {**changed, "crisis_contacts_confirmed_on": None}
        practice.save(update_fields=list(changed))
        audit_record(
            action=AuditEvent.Action.UPDATE,
            object_type="practice.practice",
            object_id=practice.uuid,
            request=request,
            actor=actor,
            practice=practice,
            detail={"fields": sorted(changed)},
        )
    return practice


def emergency_access_grant(*, owner: StaffMember, client: Client, reason: str, request=None) -> EmergencyAccess:
    """Give an owner time-limited access to one client's clinical record, with the reason on record."""
    if not owner.is_owner or owner.practice_id != client.practice_id:
        raise PermissionError("Only an owner of the client's practice may ask for emergency access")
    now = timezone.now()
    with transaction.atomic():
        grant = EmergencyAccess.objects.create(
            owner=owner,
            client=client,
            reason=reason.strip(),
            granted_at=now,
            expires_at=now + timedelta(minutes=settings.TENDING_EMERGENCY_ACCESS_MINUTES),
        )
        audit_record(
            action=AuditEvent.Action.EMERGENCY_ACCESS,
            object_type="practice.client",
            object_id=client.uuid,
            request=request,
            actor=owner.user,
            client=client,
            detail={"grant": str(grant.uuid), "minutes": settings.TENDING_EMERGENCY_ACCESS_MINUTES},
        )
    return grant


def staff_profile_update(*, staff: StaffMember, name: str, bio: str, request=None) -> StaffMember:
    with transaction.atomic():
        staff.user.name = name.strip()
        staff.user.save(update_fields=["name"])
        staff.bio = bio.strip()
        staff.save(update_fields=["bio"])
        audit_change(
            AuditEvent.Action.UPDATE, staff, actor=staff.user, client=None, request=request, fields=["name", "bio"]
        )
    return staff

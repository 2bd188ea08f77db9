"""Writes for the practice: its settings, and the owner's emergency access."""

from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from audit.services import audit_change, audit_record
from outbox.services import email_queue
from practice.models import Client, EmergencyAccess, Practice, StaffMember


def practice_update(*, practice: Practice, changed: dict, actor, request=None) -> Practice:
    with transaction.atomic():
        for field, value in changed.items():
            setattr(practice, field, value)
        if {"country", "extra_crisis_line", "extra_crisis_number"} & changed.keys():
            practice.crisis_contacts_confirmed_on = timezone.localdate(timezone=practice.zone)
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
        _tell_about_emergency_access(grant)
    return grant


def emergency_access_told(grant: EmergencyAccess) -> list[StaffMember]:
    """Who is told of ``grant``: the client's therapist; while they have none active, the other owners.

    Never the owner who opened the record (they know), so a solo owner-therapist tells nobody: the
    grant is in the audit log, and on the client's "Who has opened my record" once it ends.
    """
    therapist = grant.client.therapist
    if therapist.is_active and therapist.is_therapist:
        return [] if therapist.pk == grant.owner_id else [therapist]
    return list(
        StaffMember.objects.in_practice(grant.client.practice_id)
        .owners()
        .exclude(pk=grant.owner_id)
        .select_related("user")
    )


def _tell_about_emergency_access(grant: EmergencyAccess) -> None:
    """Email whoever is told, in the grant's transaction: who, when, a link; never the reason (it is
    clinical, and email is not the place for it). The in-app notice is practice/panels.py."""
    client, practice = grant.client, grant.client.practice
    url = settings.SITE_URL + reverse("practice:emergency_access_notice", kwargs={"grant_uuid": grant.uuid})
    for person in emergency_access_told(grant):
        context = {"grant": grant, "client": client, "practice": practice, "person": person, "url": url}
        message = EmailMessage(
            subject=f"{practice.name}: a client's record was opened under emergency access",
            body=render_to_string("practice/email/emergency_access.txt", context),
            to=[person.user.email],
        )
        email_queue(
            message, kind="Emergency access notice", practice=practice, about=("practice.emergencyaccess", grant.uuid)
        )


def emergency_access_acknowledge(*, grant: EmergencyAccess, staff: StaffMember, request=None) -> None:
    """``staff`` has read the notice of ``grant``: it leaves their home page (kept in the audit log)."""
    with transaction.atomic():
        audit_record(
            action=AuditEvent.Action.ACKNOWLEDGE,
            object_type="practice.emergencyaccess",
            object_id=grant.uuid,
            request=request,
            actor=staff.user,
            client=grant.client,
        )


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

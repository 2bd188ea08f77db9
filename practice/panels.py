"""The notice of an owner's emergency access, on the home page of whoever is told (practice/services.py)."""

from datetime import timedelta

from django.template.loader import render_to_string
from django.utils import timezone

from audit.models import AuditEvent
from practice.checklist import owner_checklist_panel, owner_checklist_reminder
from practice.models import EmergencyAccess

ORDER = 1  # at the very top: someone else has opened one of your clients' records
# A notice stays until it is marked read; one older than this has long been in the audit log and
# the client's own list, and leaves the home page so the query stays small.
NOTICE_DAYS = 90


def unread_notices(staff, *, as_owner: bool) -> list[EmergencyAccess]:
    """Grants ``staff`` is told of and has not marked read, newest first (two queries at most)."""
    grants = (
        EmergencyAccess.objects.filter(granted_at__gte=timezone.now() - timedelta(days=NOTICE_DAYS))
        .exclude(owner=staff)
        .exclude(client__erasure__completed_at__isnull=False)  # an erased client's record is restricted
    )
    if as_owner:  # the client has no active therapist: the other owners are told
        grants = grants.filter(client__practice_id=staff.practice_id, client__therapist__is_active=False)
    else:
        grants = grants.filter(client__therapist=staff)
    grants = list(grants.select_related("owner__user", "client__user").order_by("-granted_at")[:20])
    if not grants:
        return []
    seen = set(
        AuditEvent.objects.filter(
            actor_id=staff.user.uuid,
            object_type="practice.emergencyaccess",
            action=AuditEvent.Action.ACKNOWLEDGE,
            object_id__in=[str(grant.uuid) for grant in grants],
        ).values_list("object_id", flat=True)
    )
    return [grant for grant in grants if str(grant.uuid) not in seen]


def _panel(request, staff, *, as_owner: bool) -> str:
    notices = unread_notices(staff, as_owner=as_owner)
    if not notices:
        return ""
    return render_to_string(
        "practice/panel_emergency_notice.html",
        {"notices": notices, "zone": staff.practice.zone, "now": timezone.now()},
        request=request,
    )


def therapist_emergency_panel(request, staff) -> str:
    return _panel(request, staff, as_owner=False)


def owner_emergency_panel(request, staff) -> str:
    return _panel(request, staff, as_owner=True)


THERAPIST_HOME = [therapist_emergency_panel, owner_checklist_reminder]
OWNER_HOME = [owner_emergency_panel, owner_checklist_panel]

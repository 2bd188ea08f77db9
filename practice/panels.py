"""The notice of an owner's emergency access, on the home page of whoever is told (practice/services.py)."""

from datetime import datetime, timedelta

from django.template.loader import render_to_string
from django.utils import timezone

from audit.models import AuditEvent
from core.compiled import CompiledRead
from core.panels import reading, shared
from practice.checklist import owner_checklist_panel, owner_checklist_reminder
from practice.models import EmergencyAccess

ORDER = 1  # at the very top: someone else has opened one of your clients' records
# A notice stays until it is marked read; one older than this has long been in the audit log and
# the client's own list, and leaves the home page so the query stays small.
NOTICE_DAYS = 90


def _granted_since(shape, *, staff, practice, since):
    (as_owner,) = shape
    grants = (
        EmergencyAccess.objects.filter(granted_at__gte=since)
        .exclude(owner=staff)
        .exclude(client__erasure__completed_at__isnull=False)  # an erased client's record is restricted
    )
    if as_owner:  # the client has no active therapist: the other owners are told
        grants = grants.filter(client__practice_id=practice, client__therapist__is_active=False)
    else:
        grants = grants.filter(client__therapist=staff)
    return grants.select_related("owner__user", "client__user").order_by("-granted_at")[:20]


# On every therapist's and owner's home: built by the ORM once (core/compiled.py).
_GRANTED_SINCE = CompiledRead(EmergencyAccess, _granted_since, {"staff": int, "practice": int, "since": datetime})


def _notices_asked(request, staff, *, as_owner: bool):
    """The read of the grants ``staff`` is told of, asked from one moment however often the request names it."""
    return shared(
        request,
        ("practice.notices", staff.pk, as_owner),
        lambda: _GRANTED_SINCE.asked(
            (as_owner,),
            staff=staff.pk,
            practice=staff.practice_id,
            since=timezone.now() - timedelta(days=NOTICE_DAYS),
        ),
    )


def unread_notices(request, staff, *, as_owner: bool) -> list[EmergencyAccess]:
    """Grants ``staff`` is told of and has not marked read, newest first (two queries at most)."""
    grants = _notices_asked(request, staff, as_owner=as_owner).objects()
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
    notices = unread_notices(request, staff, as_owner=as_owner)
    if not notices:
        return ""
    return render_to_string(
        "practice/panel_emergency_notice.html",
        {"notices": notices, "zone": staff.practice.zone, "now": timezone.now()},
        request=request,
    )


@reading(lambda request, staff: [_notices_asked(request, staff, as_owner=False)])
def therapist_emergency_panel(request, staff) -> str:
    return _panel(request, staff, as_owner=False)


@reading(lambda request, staff: [_notices_asked(request, staff, as_owner=True)])
def owner_emergency_panel(request, staff) -> str:
    return _panel(request, staff, as_owner=True)


THERAPIST_HOME = [therapist_emergency_panel, owner_checklist_reminder]
OWNER_HOME = [owner_emergency_panel, owner_checklist_panel]

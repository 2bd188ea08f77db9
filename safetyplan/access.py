"""Who may see a safety plan: the client, their own therapist (who also writes it with them in session),
or an owner with emergency access (who reads it, and never writes a version).

Once our work together has ended the plan is the client's alone to change: the former therapist reads the
version that stood when care ended (``version_for_staff``) and writes no new one."""

from django.http import Http404

from core.compiled import CompiledRead
from practice.access import clinical_access, get_rw_client_for_clinician
from practice.care_status import care_ended_at
from practice.models import Client
from safetyplan.models import SafetyPlan

# Read on every view of the client's home and record: built by the ORM once (core/compiled.py).
_PLAN = CompiledRead(
    SafetyPlan, lambda shape, *, client: SafetyPlan.objects.filter(client=client).order_by("pk")[:1], {"client": int}
)


def plan_asked(client):
    """The read of the client's plan (``plan_for``), to name to a page's panels (``core.panels.reading``)."""
    return _PLAN.asked(client=client.pk)


def plan_for(client) -> SafetyPlan | None:
    """The client's plan, or None while they have not written one."""
    return plan_asked(client).first()


def get_client_for_plan(user, client_uuid) -> tuple[Client, bool]:
    """The client whose plan ``user`` may read, and whether they may write a version of it; or Http404."""
    client, can_write = clinical_access(user, client_uuid)
    return client, can_write and not client.care_has_ended


def get_rw_client_for_plan(user, client_uuid) -> Client:
    """The client whose plan ``user`` may write in session (their own therapist only, while in care), or Http404."""
    client = get_rw_client_for_clinician(user, client_uuid)
    if client.care_has_ended:
        raise Http404
    return client


def version_for_staff(plan: SafetyPlan, client: Client):
    """The version the practice reads: the newest, or after the ending the one that stood when care ended."""
    versions = plan.versions.order_by("-number").select_related("written_by")
    ended_at = care_ended_at(client)
    if ended_at is not None:
        versions = versions.filter(created_at__lte=ended_at)
    return versions.first()

"""Who may see a safety plan: the client, their own therapist (who also writes it with them in session),
or an owner with emergency access (who reads it, and never writes a version)."""

from practice.access import clinical_access, get_rw_client_for_clinician
from practice.models import Client
from safetyplan.models import SafetyPlan


def plan_for(client) -> SafetyPlan | None:
    """The client's plan, or None while they have not written one."""
    return SafetyPlan.objects.filter(client=client).first()


def get_client_for_plan(user, client_uuid) -> tuple[Client, bool]:
    """The client whose plan ``user`` may read, and whether they may write a version of it; or Http404."""
    return clinical_access(user, client_uuid)


def get_rw_client_for_plan(user, client_uuid) -> Client:
    """The client whose plan ``user`` may write in session (their own therapist only), or Http404."""
    return get_rw_client_for_clinician(user, client_uuid)

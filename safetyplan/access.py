"""Who may see a safety plan: the client, their own therapist, or an owner with emergency access."""

from practice.access import get_client_for_clinician
from safetyplan.models import SafetyPlan


def plan_for(client) -> SafetyPlan | None:
    """The client's plan, or None while they have not written one."""
    return SafetyPlan.objects.filter(client=client).first()


def get_client_for_plan(user, client_uuid):
    """The client whose plan ``user`` may read and write in session, or Http404."""
    return get_client_for_clinician(user, client_uuid)

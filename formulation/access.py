"""Who may see a formulation: the client's own therapist, or an owner with emergency access.

Each helper returns the object or raises Http404, checked through the client
the object belongs to (``practice.access.get_client_for_clinician``).
"""

from django.http import Http404

from formulation.models import Cause, Insight, Symptom
from practice.access import get_client_for_clinician


def _get(model, user, object_uuid, *related):
    try:
        obj = model.objects.select_related("client", *related).get(uuid=object_uuid)
    except (model.DoesNotExist, ValueError):
        raise Http404 from None
    # Raises Http404 unless this person may read the client's clinical record.
    obj.client = get_client_for_clinician(user, obj.client.uuid)
    return obj


def get_symptom_for_clinician(user, symptom_uuid) -> Symptom:
    return _get(Symptom, user, symptom_uuid)


def get_cause_for_clinician(user, cause_uuid) -> Cause:
    return _get(Cause, user, cause_uuid)


def get_insight_for_clinician(user, insight_uuid) -> Insight:
    return _get(Insight, user, insight_uuid, "cause", "eased_symptom", "appeared_symptom")


def require_writer(staff, client) -> None:
    """Only the client's own therapist changes a formulation; emergency access is for reading."""
    if client.therapist_id != staff.id:
        raise Http404

"""Who may see a formulation: the client's own therapist (read and write), or an owner with emergency
access (read only).

Each object kind has a pair, checked through the client the object belongs to
(``practice.access.clinical_access``): ``get_<kind>_for_clinician`` returns the object and whether this
person may change it; ``get_rw_<kind>_for_clinician`` returns the object only to someone who may, else 404.
"""

from django.core.exceptions import ValidationError
from django.http import Http404

from formulation.models import Cause, Insight, Symptom
from practice.access import clinical_access, staff_for


def _get(model, user, object_uuid, *related):
    staff = staff_for(user)
    if staff is None:
        raise Http404
    try:
        # Within the reader's practice: the lookup names the tenant (docs/scale.md, sharding by practice).
        obj = model.objects.select_related("client", *related).get(
            uuid=object_uuid, client__practice_id=staff.practice_id
        )
    except (model.DoesNotExist, ValidationError, ValueError):
        raise Http404 from None
    # Raises Http404 unless this person may read the client's clinical record.
    obj.client, can_write = clinical_access(user, obj.client.uuid)
    return obj, can_write


def _rw(found):
    obj, can_write = found
    if not can_write:
        raise Http404  # emergency access is for reading; only the client's own therapist changes a formulation
    return obj


def get_symptom_for_clinician(user, symptom_uuid) -> tuple[Symptom, bool]:
    return _get(Symptom, user, symptom_uuid)


def get_rw_symptom_for_clinician(user, symptom_uuid) -> Symptom:
    return _rw(get_symptom_for_clinician(user, symptom_uuid))


def get_cause_for_clinician(user, cause_uuid) -> tuple[Cause, bool]:
    return _get(Cause, user, cause_uuid)


def get_rw_cause_for_clinician(user, cause_uuid) -> Cause:
    return _rw(get_cause_for_clinician(user, cause_uuid))


def get_insight_for_clinician(user, insight_uuid) -> tuple[Insight, bool]:
    return _get(Insight, user, insight_uuid, "cause", "eased_symptom", "appeared_symptom")


def get_rw_insight_for_clinician(user, insight_uuid) -> Insight:
    return _rw(get_insight_for_clinician(user, insight_uuid))

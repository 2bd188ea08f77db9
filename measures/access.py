"""Who may see which questionnaire. Each helper returns the object or raises Http404.

A client's therapist reads their answers and sends or stops questionnaires; an owner with emergency
access reads the answers only (``practice.access.clinical_access`` decides, through the client).
"""

from django.core.exceptions import ValidationError
from django.http import Http404

from measures.models import MeasureRequest, MeasureResponse, MeasureSchedule
from practice.access import clinical_access, get_rw_client_for_clinician, staff_for


def get_open_request_for_client(client, request_uuid) -> MeasureRequest:
    """One of the signed-in client's own questionnaires that is still waiting."""
    try:
        return MeasureRequest.objects.pending().get(uuid=request_uuid, client=client)
    except (MeasureRequest.DoesNotExist, ValidationError, ValueError):
        raise Http404 from None


def get_response_for_clinician(user, response_uuid) -> tuple[MeasureResponse, bool]:
    """A completed questionnaire of a client whose record ``user`` may read, and whether they may write it."""
    staff = staff_for(user)
    if staff is None:
        raise Http404
    try:
        # Within the reader's practice: the lookup names the tenant (docs/scale.md, sharding by practice).
        response = MeasureResponse.objects.select_related("client").get(
            uuid=response_uuid, client__practice_id=staff.practice_id
        )
    except (MeasureResponse.DoesNotExist, ValidationError, ValueError):
        raise Http404 from None
    response.client, can_write = clinical_access(user, response.client.uuid)  # Http404 for anyone else
    return response, can_write


def get_rw_schedule_for_clinician(user, schedule_uuid) -> MeasureSchedule:
    """A running questionnaire schedule the client's own therapist may stop (never through emergency access)."""
    try:
        schedule = MeasureSchedule.objects.select_related("client").get(uuid=schedule_uuid, active=True)
    except (MeasureSchedule.DoesNotExist, ValidationError, ValueError):
        raise Http404 from None
    schedule.client = get_rw_client_for_clinician(user, schedule.client.uuid)
    return schedule

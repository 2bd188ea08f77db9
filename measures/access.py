from django.http import Http404

from measures.models import MeasureRequest, MeasureResponse, MeasureSchedule
from practice.access import get_client_for_clinician


def get_open_request_for_client(client, request_uuid) -> MeasureRequest:
    """One of the signed-in client's own questionnaires that is still waiting."""
    try:
        return MeasureRequest.objects.pending().get(uuid=request_uuid, client=client)
    except (MeasureRequest.DoesNotExist, ValueError):
        raise Http404 from None


def get_response_for_clinician(user, response_uuid) -> MeasureResponse:
    """A completed questionnaire of a client whose record ``user`` may read."""
    try:
        response = MeasureResponse.objects.select_related("client").get(uuid=response_uuid)
    except (MeasureResponse.DoesNotExist, ValueError):
        raise Http404 from None
    get_client_for_clinician(user, response.client.uuid)  # raises Http404 for anyone else
    return response


def get_schedule_for_clinician(user, schedule_uuid) -> MeasureSchedule:
    try:
        schedule = MeasureSchedule.objects.select_related("client").get(uuid=schedule_uuid, active=True)
    except (MeasureSchedule.DoesNotExist, ValueError):
        raise Http404 from None
    get_client_for_clinician(user, schedule.client.uuid)
    return schedule

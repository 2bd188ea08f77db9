from django.core.exceptions import ValidationError
from django.http import Http404

from selfcare.models import Activity


def get_activity_for_client(client, activity_uuid) -> Activity:
    """One of the signed-in client's own activities, or 404."""
    try:
        return Activity.objects.for_client(client).with_last_done().get(uuid=activity_uuid)
    except (Activity.DoesNotExist, ValidationError, ValueError):
        raise Http404 from None

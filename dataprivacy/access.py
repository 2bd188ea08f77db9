from django.http import Http404

from dataprivacy.models import ErasureRequest


def get_erasure_for_owner(staff, client_uuid) -> ErasureRequest:
    """A pending or completed erasure request of a client in the owner's practice, or 404."""
    try:
        return ErasureRequest.objects.select_related("client__user", "client__practice").get(
            client__uuid=client_uuid, client__practice=staff.practice
        )
    except (ErasureRequest.DoesNotExist, ValueError):
        raise Http404 from None


def is_restricted(client) -> bool:
    return ErasureRequest.objects.restricted().filter(client=client).exists()

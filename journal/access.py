from django.core.exceptions import ValidationError
from django.http import Http404

from journal.models import Entry
from practice.access import get_client_for_clinician


def get_entry_for_client(client, entry_uuid) -> Entry:
    """One of the signed-in client's own entries, or 404."""
    try:
        return Entry.objects.for_client(client).get(uuid=entry_uuid)
    except (Entry.DoesNotExist, ValidationError, ValueError):
        raise Http404 from None


def get_shared_entries_for_clinician(user, client_uuid):
    """The client, and the entries they chose to share: their own therapist, or an owner with emergency access.

    Reading only: nobody but the client writes or unshares an entry."""
    client = get_client_for_clinician(user, client_uuid)
    return client, Entry.objects.for_client(client).shared().order_by("-shared_at", "-id")

"""What messages give the risk app: a client's message's words (the pending checks, risk/checks.py) and how a
message alert is described on the alert page (risk/context.py). The words are never quoted anywhere else."""

from django.urls import NoReverseMatch, reverse

from messaging.models import Message
from risk.context import SourceDetails, as_uuid, unavailable
from risk.models import RiskAlert


def message_words(source_id: str):
    """(client, words) of a client's message, or None when it is gone (erased) or was the practice's."""
    message_uuid = as_uuid(source_id)
    if message_uuid is None:
        return None
    message = (
        Message.objects.from_client()
        .select_related("conversation__client__practice", "conversation__client__therapist")
        .filter(uuid=message_uuid)
        .first()
    )
    return None if message is None else (message.conversation.client, message.body)


def message_alert_details(alert: RiskAlert, *, may_read_record: bool) -> SourceDetails:
    message_uuid = as_uuid(alert.source_id)
    # Only whether the message is still there and in which conversation: never its words (one query).
    found = None
    if message_uuid is not None:
        found = (
            Message.objects.filter(uuid=message_uuid, conversation__client=alert.client)
            .values("conversation__kind")
            .first()
        )
    if found is None:
        return unavailable(alert)
    name = alert.client.display_name
    details = SourceDetails(
        heading="The message",
        message=f"Words in a message {name} sent suggested they may be at risk.",
    )
    if may_read_record and found["conversation__kind"] == "care":
        try:
            details.link_url = reverse("messaging:conversation", kwargs={"client_uuid": alert.client.uuid})
            details.link_text = f"Your conversation with {name}"
        except NoReverseMatch:  # the staff pages are not mounted (never in a full install)
            pass
    elif not may_read_record:
        details.message += f" The message is part of {name}'s record."
    return details

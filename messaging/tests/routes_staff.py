"""The practice's message pages, for the authorization matrix and the accessibility scan."""

import uuid

from messaging.models import Conversation
from messaging.services import conversation_for, message_send
from tending.testing.matrix import OFFICE, OFFICE_OF_CLIENT, THERAPIST, THERAPIST_OF_CLIENT, Route


def _client_a(w, _=None):
    return {"client_uuid": w.client_a.uuid}


def _care_message(w):
    conversation = conversation_for(client=w.client_a)
    message_send(conversation=conversation, body="A quiet week, thank you.", idempotency_key=uuid.uuid4())


def _office_message(w):
    conversation = conversation_for(client=w.client_a, kind=Conversation.Kind.OFFICE)
    message_send(conversation=conversation, body="Can I move Tuesday?", idempotency_key=uuid.uuid4())


def _send(w, _):
    return {"body": "Thank you for writing.", "idempotency_key": str(uuid.uuid4())}


ROUTES = [
    # Any therapist's own list (an owner or the administrator has no caseload of conversations).
    Route("messaging:inbox", THERAPIST, setup=_care_message),
    Route(
        "messaging:settings",
        THERAPIST,
        methods=("GET", "POST"),
        post_data={
            "promise": "I read messages on weekday mornings.",
            "reply_within_days": "2",
            "long_message_after": "1500",
        },
    ),
    Route("messaging:conversation", THERAPIST_OF_CLIENT, setup=_care_message, kwargs=_client_a),
    Route(
        "messaging:staff_poll",
        THERAPIST_OF_CLIENT,
        setup=_care_message,
        kwargs=_client_a,
        query="after=0",
        not_a_page=True,
    ),
    Route("messaging:staff_send", THERAPIST_OF_CLIENT, kwargs=_client_a, methods=("POST",), post_data=_send),
    Route(
        "messaging:who_starts",
        THERAPIST_OF_CLIENT,
        kwargs=_client_a,
        methods=("POST",),
        post_data={"who_starts": "replies"},
    ),
    Route(
        "messaging:share",
        THERAPIST_OF_CLIENT,
        kwargs=_client_a,
        methods=("POST",),
        post_data=lambda w, _: {"item": "practice:safe-place", "note": "", "idempotency_key": str(uuid.uuid4())},
    ),
    Route("messaging:office_inbox", OFFICE, setup=_office_message),
    Route("messaging:office_conversation", OFFICE_OF_CLIENT, setup=_office_message, kwargs=_client_a),
    Route(
        "messaging:office_poll",
        OFFICE_OF_CLIENT,
        setup=_office_message,
        kwargs=_client_a,
        query="after=0",
        not_a_page=True,
    ),
    Route("messaging:office_send", OFFICE_OF_CLIENT, kwargs=_client_a, methods=("POST",), post_data=_send),
]

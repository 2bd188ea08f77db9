"""The client's messages URLs, and the attachment view both sides share."""

import uuid

from messaging.attachments import prepare_upload
from messaging.services import conversation_for, message_send
from tending.testing.matrix import CLIENT, CLIENT_OBJECT, Route


class _Upload:
    """The smallest PDF, as an uploaded file."""

    name = "letter.pdf"
    size = 64

    def __init__(self):
        self._data = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

    def seek(self, _):
        pass

    def read(self, _=None):
        return self._data


def _a_message_with_a_file(w):
    """Client A wrote to Ana with a PDF attached."""
    conversation = conversation_for(client=w.client_a)
    message, _, _ = message_send(
        conversation=conversation,
        body="Here is the letter I mentioned.",
        idempotency_key=uuid.uuid4(),
        files=(prepare_upload(_Upload()),),
    )
    return {"attachment": message.attachments.get()}


def _attachment(w, made):
    return {"attachment_uuid": made["attachment"].uuid}


def _send(w, made):
    return {"body": "Thank you for today.", "key": str(uuid.uuid4())}


_CARE = {"kind": "care"}

ROUTES = [
    Route("messaging:mine", CLIENT),
    Route("messaging:mine_kind", CLIENT, kwargs=lambda w, made: _CARE),
    Route("messaging:send", CLIENT, kwargs=lambda w, made: _CARE, methods=("POST",), post_data=_send),
    Route("messaging:poll", CLIENT, kwargs=lambda w, made: _CARE, query="after=0", not_a_page=True),
    Route(
        "messaging:draft", CLIENT, kwargs=lambda w, made: _CARE, methods=("POST",), post_data={"body": "Half a thought"}
    ),
    Route(
        "messaging:choices",
        CLIENT,
        kwargs=lambda w, made: _CARE,
        methods=("POST",),
        post_data={"client_shows_read": "on", "client_emails": "on"},
    ),
    # Client A's own file; Ana (her therapist) opens it too, and the emergency owner may read it.
    Route(
        "messaging:attachment",
        CLIENT_OBJECT,
        setup=_a_message_with_a_file,
        kwargs=_attachment,
        not_a_page=True,
        expect={"therapist": 200, "emergency": 200},
    ),
]

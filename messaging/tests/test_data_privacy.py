"""Messages in the client's export and erasure: the export has both sides of their conversations and the files
sent in them; erasure deletes what the client wrote (and their draft), keeps the practice's messages
restricted (nobody opens them), and the retention job deletes those when the period ends."""

import datetime
import io
import json
import uuid
import zipfile

import pytest
from django.http import Http404

from dataprivacy.models import ErasureRequest
from dataprivacy.services import erasure_complete, erasure_request, export_build, restricted_records_purge
from messaging.access import conversation_for_staff
from messaging.models import Attachment, Conversation, Message
from messaging.services import PreparedFile, conversation_for, draft_save, message_send
from practice.models import Client
from tending.testing.factories import ClientFactory, StaffFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4 the client's letter"
PNG = b"\x89PNG\r\n\x1a\n the therapist's worksheet"


def say(conversation, body, staff=None, files=()):
    return message_send(conversation=conversation, body=body, idempotency_key=uuid.uuid4(), staff=staff, files=files)[0]


@pytest.fixture
def talked():
    client = ClientFactory()
    conversation = conversation_for(client=client)
    mine = say(conversation, "My own words", files=(PreparedFile("pdf", "application/pdf", "letter.pdf", PDF),))
    theirs = say(
        conversation,
        "The therapist's answer",
        staff=client.therapist,
        files=(PreparedFile("image", "image/png", "worksheet.png", PNG),),
    )
    draft_save(conversation=conversation, body="Something I have not sent yet")
    return client, conversation, mine, theirs


def test_the_export_has_both_sides_of_the_conversation_and_the_files(talked):
    client, conversation, mine, theirs = talked
    with zipfile.ZipFile(io.BytesIO(export_build(client=client))) as archive:
        files = {name: archive.read(name) for name in archive.namelist()}
    data = json.loads(files["data.json"])
    assert [c["uuid"] for c in data["conversations"]] == [str(conversation.uuid)]
    rows = {row["uuid"]: row for row in data["messages"]}
    assert rows[str(mine.uuid)]["body"] == "My own words" and rows[str(mine.uuid)]["from"] == "me"
    assert rows[str(theirs.uuid)]["from"] == client.therapist.display_name
    assert all("idempotency_key" not in row and "sender_staff" not in row for row in data["messages"])
    assert {row["filename"] for row in data["attachments"]} == {"letter.pdf", "worksheet.png"}
    assert all("data" not in row for row in data["attachments"])
    attached = {name: body for name, body in files.items() if name.startswith("attachments/")}
    assert sorted(attached.values()) == sorted([PDF, PNG])
    assert any(name.endswith("-letter.pdf") for name in attached)


def test_erasure_deletes_the_clients_messages_and_draft_and_keeps_the_practices_restricted(talked):
    client, conversation, mine, theirs = talked
    owner = StaffFactory(practice=client.practice, is_therapist=False, is_owner=True)
    counts = erasure_complete(erasure=erasure_request(client=client), owner=owner)
    assert counts["messaging.message"] == 1 and counts["messaging.attachment"] == 1
    assert not Message.objects.filter(pk=mine.pk).exists()
    assert list(Message.objects.filter(conversation=conversation).values_list("pk", flat=True)) == [theirs.pk]
    assert list(Attachment.objects.without_data().values_list("filename", flat=True)) == ["worksheet.png"]
    conversation.refresh_from_db()
    assert conversation.client_draft is None
    # Restricted: not even their therapist opens it now.
    with pytest.raises(Http404):
        conversation_for_staff(client.therapist.user, client.uuid)


def test_the_retention_job_deletes_the_kept_messages_when_the_period_ends(talked):
    client, conversation, _, _ = talked
    owner = StaffFactory(practice=client.practice, is_therapist=False, is_owner=True)
    erasure_complete(erasure=erasure_request(client=client), owner=owner)
    retain_until = ErasureRequest.objects.get(client=client).retain_until
    assert restricted_records_purge(today=retain_until) == 0
    assert Message.objects.filter(conversation=conversation).exists()
    assert restricted_records_purge(today=retain_until + datetime.timedelta(days=1)) == 1
    assert not Client.objects.filter(pk=client.pk).exists()
    assert not Conversation.objects.exists() and not Message.objects.exists() and not Attachment.objects.exists()

"""The core of sending: order, idempotency, reply-by and answers (the fuller tests are alongside)."""

import datetime
import uuid

import pytest

from messaging.models import Conversation, Message
from messaging.replies import reply_by
from messaging.services import MessageError, conversation_for, message_send
from tending.testing.factories import ClientFactory

pytestmark = pytest.mark.django_db


def test_a_client_message_waits_for_an_answer_and_a_reply_answers_it():
    client = ClientFactory()
    conversation = conversation_for(client=client)
    key = uuid.uuid4()
    first, created, _ = message_send(conversation=conversation, body="Hello\r\nthere ", idempotency_key=key)
    again, created_again, _ = message_send(conversation=conversation, body="Hello", idempotency_key=key)
    assert created and not created_again and again.pk == first.pk
    assert first.body == "Hello\nthere"
    conversation.refresh_from_db()
    assert conversation.reply_by == first.reply_by and conversation.last_message_id == first.pk
    answer, _, _ = message_send(
        conversation=conversation, body="Hi", idempotency_key=uuid.uuid4(), staff=client.therapist
    )
    conversation.refresh_from_db()
    first.refresh_from_db()
    assert conversation.reply_by is None and first.answered_at == answer.sent_at


def test_nothing_to_send_is_refused_kindly():
    conversation = conversation_for(client=ClientFactory())
    with pytest.raises(MessageError, match="nothing to send"):
        message_send(conversation=conversation, body="  ", idempotency_key=uuid.uuid4())
    assert not Message.objects.exists()


def test_replies_only_lets_the_client_answer_once_the_therapist_wrote():
    client = ClientFactory()
    conversation = conversation_for(client=client)
    Conversation.objects.filter(pk=conversation.pk).update(who_starts=Conversation.WhoStarts.REPLIES)
    with pytest.raises(MessageError, match="will write to you first"):
        message_send(conversation=conversation, body="Hi", idempotency_key=uuid.uuid4())
    message_send(conversation=conversation, body="Hello", idempotency_key=uuid.uuid4(), staff=client.therapist)
    message_send(conversation=conversation, body="Thank you", idempotency_key=uuid.uuid4())


def test_two_working_days_skip_the_weekend_and_a_bank_holiday():
    client = ClientFactory()
    zone = client.practice.zone
    # Thursday 24 December 2026, afternoon: Friday 25 and Monday 28 (Boxing Day substitute) are holidays.
    sent = datetime.datetime(2026, 12, 24, 15, 0, tzinfo=zone)
    due = reply_by(practice=client.practice, staff=client.therapist, within_days=2, sent_at=sent)
    assert due.date() == datetime.date(2026, 12, 30)

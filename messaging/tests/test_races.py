"""Real concurrency: a client and their therapist writing at the same moment lose nothing and keep the
conversation's marks consistent; the same send submitted twice at once is stored once; two workers telling
the same side about messages write one email. Run on SQLite (the default) and on PostgreSQL
(DATABASE_URL=postgres://...)."""

import uuid

import pytest

from messaging.models import Conversation, Message
from messaging.notifications import tell_practice
from messaging.services import conversation_for, message_send
from outbox.models import Email
from tending.testing.concurrency import race
from tending.testing.factories import ClientFactory

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

EACH_SIDE = 8


def test_a_client_and_their_therapist_writing_at_once_lose_nothing_and_keep_the_marks_consistent():
    client = ClientFactory()
    conversation = conversation_for(client=client)

    def send(body, staff=None):
        return lambda: message_send(conversation=conversation, body=body, idempotency_key=uuid.uuid4(), staff=staff)[
            0
        ].pk

    jobs = [send(f"client {n}") for n in range(EACH_SIDE)]
    jobs += [send(f"therapist {n}", staff=client.therapist) for n in range(EACH_SIDE)]
    results, errors = race(jobs)
    assert errors == []
    assert len(set(results)) == 2 * EACH_SIDE
    messages = list(Message.objects.filter(conversation=conversation).in_order())
    assert [m.pk for m in messages] == sorted(results)
    assert sorted(m.body for m in messages) == sorted(
        [f"client {n}" for n in range(EACH_SIDE)] + [f"therapist {n}" for n in range(EACH_SIDE)]
    )
    conversation.refresh_from_db()
    assert conversation.last_message_id == messages[-1].pk
    # Every client message before the therapist's last is answered; every one after it waits, and the
    # conversation waits for the earliest of those.
    last_staff = max(m.pk for m in messages if not m.from_client)
    waiting = [m for m in messages if m.from_client and m.pk > last_staff]
    for message in messages:
        if message.from_client:
            assert (message.answered_at is None) == (message.pk > last_staff)
    assert conversation.reply_by == min((m.reply_by for m in waiting), default=None)
    assert conversation.staff_read_up_to == last_staff
    last_client = max(m.pk for m in messages if m.from_client)
    assert conversation.client_read_up_to == last_client


def test_the_same_send_twice_at_once_is_stored_once():
    client = ClientFactory()
    conversation = conversation_for(client=client)
    key = uuid.uuid4()

    def send():
        message, created, _ = message_send(conversation=conversation, body="Just once, please", idempotency_key=key)
        return message.pk, created

    results, errors = race([send, send])
    assert errors == []
    assert Message.objects.filter(conversation=conversation).count() == 1
    stored = Message.objects.get().pk
    assert sorted(results) == [(stored, False), (stored, True)]
    conversation.refresh_from_db()
    assert conversation.last_message_id == stored


def test_two_workers_telling_the_therapist_at_once_write_one_email(monkeypatch):
    client = ClientFactory()
    conversation = conversation_for(client=client)
    message_send(conversation=conversation, body="Hello", idempotency_key=uuid.uuid4())
    # The send's own email may have gone (it depends on the hour the test runs): start from none.
    Conversation.objects.filter(pk=conversation.pk).update(staff_emailed_at=None)
    Email.objects.all().delete()
    # In working hours whatever the day the test runs.
    monkeypatch.setattr("messaging.notifications.working_now", lambda **kwargs: True)
    conversation = Conversation.objects.select_related("client__practice", "client__therapist__user").get(
        pk=conversation.pk
    )
    results, errors = race([lambda: tell_practice(conversation=conversation) for _ in range(4)])
    assert errors == []
    assert sorted(results) == [False, False, False, True]
    assert Email.objects.count() == 1

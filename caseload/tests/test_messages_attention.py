"""Messages in "who needs attention": a client's message waiting for an answer (one with risk words first),
never its words, and the caseload's query count unchanged by how many messages there are."""

import uuid

import pytest
from django.db import connection
from django.test import Client as Browser
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from caseload.selectors import caseload_for
from messaging.models import Conversation, Message
from messaging.services import conversation_for, message_send
from tending.testing.factories import ClientFactory
from tending.testing.personas import build_world

pytestmark = pytest.mark.django_db


def write(client, body="Hello", staff=None):
    message, _, _ = message_send(
        conversation=conversation_for(client=client), body=body, idempotency_key=uuid.uuid4(), staff=staff
    )
    return message


def test_a_waiting_message_asks_for_attention_and_a_risky_one_comes_first():
    w = build_world()
    write(w.client_a, "A calm question")
    risky = write(w.client_b, "Another question")
    Message.objects.filter(pk=risky.pk).update(risk_found=True)
    Conversation.objects.filter(client=w.client_b).update(risk_waiting=True)
    attention = caseload_for(w.therapist).attention
    assert [item.client.pk for item in attention] == [w.client_b.pk, w.client_a.pk]
    assert attention[0].top == "message_risk" and attention[1].top == "message"
    assert "waiting for an answer by" in attention[1].reasons[0].text
    link = reverse("messaging:conversation", kwargs={"client_uuid": w.client_a.uuid})
    assert attention[1].reasons[0].url == link


def test_an_answered_message_no_longer_asks_for_attention():
    w = build_world()
    write(w.client_a)
    write(w.client_a, "Thank you, see you Tuesday.", staff=w.therapist)
    assert caseload_for(w.therapist).attention == []


def test_the_page_shows_the_link_and_never_the_words():
    w = build_world()
    write(w.client_a, "Words only Ana should read in the conversation")
    ana = Browser()
    ana.force_login(w.therapist.user)
    body = ana.get(reverse("caseload:home")).content.decode()
    assert reverse("messaging:conversation", kwargs={"client_uuid": w.client_a.uuid}) in body
    assert "Words only Ana" not in body


def test_the_caseload_costs_the_same_however_many_clients_write():
    """Compared in the same state: right after the writes (the writers' stored facts are refreshed first),
    and on the next view (read as stored)."""
    w = build_world()
    write(w.client_a)
    caseload_for(w.therapist)
    write(w.client_a)
    with CaptureQueriesContext(connection) as few_refreshing:
        caseload_for(w.therapist)
    with CaptureQueriesContext(connection) as few:
        caseload_for(w.therapist)
    for _ in range(6):
        client = ClientFactory(therapist=w.therapist)
        for _ in range(3):
            write(client)
    with CaptureQueriesContext(connection) as many_refreshing:
        found = caseload_for(w.therapist)
    assert len(found.attention) == 7
    assert len(many_refreshing) == len(few_refreshing)
    with CaptureQueriesContext(connection) as many:
        found = caseload_for(w.therapist)
    assert len(found.attention) == 7
    assert len(many) == len(few)

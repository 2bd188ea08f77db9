"""A handover decides whether the new therapist reads the earlier messages (Handover.messages_go); the client
always keeps their whole conversation."""

import uuid

import pytest
from django.urls import reverse

from care.models import Handover
from care.services import client_hand_over
from messaging.access import visible_to_staff
from messaging.models import Conversation
from messaging.selectors import messages_page
from messaging.services import conversation_for, message_send
from tending.testing.factories import ClientFactory, StaffFactory

pytestmark = pytest.mark.django_db


def hand_over(client, *, messages_go):
    owner = StaffFactory(practice=client.practice, is_therapist=False, is_owner=True)
    new = StaffFactory(practice=client.practice)
    client_hand_over(
        client=client,
        to_therapist=new,
        notes_go=False,
        future=Handover.Future.CANCEL,
        reason="Moving closer to home",
        by=owner,
        messages_go=messages_go,
    )
    return new, owner


def say(conversation, body, staff=None):
    return message_send(conversation=conversation, body=body, idempotency_key=uuid.uuid4(), staff=staff)[0]


def bodies(conversation, *, to_staff):
    conversation = Conversation.objects.get(pk=conversation.pk)
    return [m.body for m in messages_page(conversation, to_staff=to_staff)[0]]


def test_without_the_earlier_messages_the_new_therapist_reads_from_the_handover_on():
    client = ClientFactory()
    conversation = conversation_for(client=client)
    before = say(conversation, "Before the move")
    say(conversation, "My reply before", staff=client.therapist)
    new, _ = hand_over(client, messages_go=False)
    say(conversation, "Hello to my new therapist")
    conversation.refresh_from_db()
    assert conversation.staff_sees_from == Handover.objects.get().at
    assert not Handover.objects.get().messages_go
    assert bodies(conversation, to_staff=True) == ["Hello to my new therapist"]
    assert bodies(conversation, to_staff=False) == ["Before the move", "My reply before", "Hello to my new therapist"]
    assert not visible_to_staff(conversation, before)


def test_with_the_earlier_messages_the_new_therapist_reads_them_all():
    client = ClientFactory()
    conversation = conversation_for(client=client)
    say(conversation, "Before the move")
    hand_over(client, messages_go=True)
    say(conversation, "After the move")
    conversation.refresh_from_db()
    assert conversation.staff_sees_from is None and Handover.objects.get().messages_go
    assert bodies(conversation, to_staff=True) == ["Before the move", "After the move"]


def test_a_handover_before_any_message_makes_the_conversation_so_later_ones_are_seen():
    client = ClientFactory()
    hand_over(client, messages_go=False)
    conversation = Conversation.objects.get(client=client, kind=Conversation.Kind.CARE)
    say(conversation, "First message")
    assert bodies(conversation, to_staff=True) == ["First message"]


def test_the_owners_handover_form_offers_the_choice(client):
    person = ClientFactory()
    owner = StaffFactory(practice=person.practice, is_therapist=False, is_owner=True)
    new = StaffFactory(practice=person.practice)
    client.force_login(owner.user)
    url = reverse("care:handover", kwargs={"client_uuid": person.uuid})
    page = client.get(url)
    assert b"Earlier messages go to the new therapist" in page.content
    post = {"to_therapist": new.pk, "notes": "stay", "future": "cancel", "reason": "Moving", "messages": "go"}
    client.post(url, post)
    assert Handover.objects.get(client=person).messages_go

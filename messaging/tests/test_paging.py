"""A conversation's pages cost the same after years of messages: the client's page, the therapist's
conversation, an older page and the page's polling make as many queries with 300 messages as with 30,
and the therapist's inbox as many with ten conversations as with one (bench/queries.py measures the same
on a synthetic practice)."""

import uuid
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client as Browser
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from messaging.models import Attachment, Conversation, Message
from messaging.selectors import PAGE_SIZE, messages_after, messages_page
from messaging.services import conversation_for
from tending.testing.factories import ClientFactory, StaffFactory

pytestmark = pytest.mark.django_db

FEW, MANY = 30, 300


def _talk(client, count: int) -> Conversation:
    """``count`` messages in the client's care conversation, both sides, with a shared practice and a small
    attachment now and then; written as the services write them (answers marked, the last message kept)."""
    conversation = conversation_for(client=client)
    start = timezone.now() - timedelta(days=count)
    rows = []
    for n in range(count):
        from_client = n % 3 != 2
        rows.append(
            Message(
                conversation=conversation,
                sender_staff=None if from_client else client.therapist,
                body=f"Message {n}: a few words about the week.",
                sent_at=start + timedelta(days=n),
                idempotency_key=uuid.uuid4(),
                reply_by=start + timedelta(days=n + 2) if from_client else None,
                answered_at=start + timedelta(days=n + 1) if from_client and n < count - 2 else None,
                shared_kind="practice" if n % 10 == 5 else "",
                shared_ref="body-scan" if n % 10 == 5 else "",
            )
        )
    Message.objects.bulk_create(rows)  # the body is sealed by the field on the way in
    messages = list(Message.objects.filter(conversation=conversation).in_order())
    Attachment.objects.bulk_create(
        Attachment(
            message=message,
            kind="pdf",
            content_type="application/pdf",
            filename="worksheet.pdf",
            size=12,
            data=b"%PDF-1.4\n%%\n",
        )
        for message in messages[-PAGE_SIZE * 3 :: 7]
    )
    last = messages[-1]
    waiting = [m.reply_by for m in messages if m.from_client and m.answered_at is None]
    Conversation.objects.filter(pk=conversation.pk).update(
        last_message_id=last.pk,
        last_message_at=last.sent_at,
        reply_by=min(waiting, default=None),
        client_read_up_to=last.pk,
        staff_read_up_to=messages[-3].pk,
    )
    conversation.refresh_from_db()
    return conversation


def _queries(browser: Browser, url: str, *, status: int = 200) -> int:
    browser.get(url)  # warm: the first request's session work, and the read marks moved once
    with CaptureQueriesContext(connection) as captured:
        response = browser.get(url)
    assert response.status_code == status, url
    return len(captured)


def _browser(user) -> Browser:
    found = Browser()
    found.force_login(user)
    return found


@pytest.fixture
def short_and_long():
    """Two clients of one therapist: one with 30 messages, one with 300."""
    therapist = StaffFactory()
    short, long_ = ClientFactory(therapist=therapist), ClientFactory(therapist=therapist)
    return _talk(short, FEW), _talk(long_, MANY)


def test_the_selectors_read_a_page_in_two_queries_however_long_the_conversation(
    short_and_long, django_assert_num_queries
):
    for conversation in short_and_long:
        with django_assert_num_queries(2):  # the page with its senders (joined), then the attachments
            shown, earlier = messages_page(conversation, to_staff=True)
        assert len(shown) == PAGE_SIZE and [m.pk for m in shown] == sorted(m.pk for m in shown)
        assert shown[-1].pk == conversation.last_message_id
        with django_assert_num_queries(2):
            older, _ = messages_page(conversation, to_staff=False, before_id=shown[10].pk)
        count = conversation.messages.count()
        assert older[-1].pk == shown[9].pk and len(older) == min(PAGE_SIZE, count - PAGE_SIZE + 10)
        assert earlier == (count > PAGE_SIZE)
        with django_assert_num_queries(2):
            new = messages_after(conversation, to_staff=False, after_id=shown[-10].pk)
        assert [m.pk for m in new] == [m.pk for m in shown[-9:]]
        with django_assert_num_queries(1):  # nothing new: no prefetch either
            assert messages_after(conversation, to_staff=False, after_id=conversation.last_message_id) == []


def test_the_clients_page_older_pages_and_polling_cost_the_same_with_300_messages_as_with_30(short_and_long):
    counts = {}
    for conversation in short_and_long:
        browser = _browser(conversation.client.user)
        page = reverse("messaging:mine")
        newest = conversation.last_message_id
        # An older page that holds messages in both (20 of the 30; a full page of the 300).
        older_than = Message.objects.filter(conversation=conversation).order_by("-id").values_list("id", flat=True)[10]
        poll = reverse("messaging:poll", kwargs={"kind": "care"})
        counts[conversation.messages.count()] = (
            _queries(browser, page),
            _queries(browser, f"{page}?before={older_than}"),
            _queries(browser, f"{poll}?after={newest}", status=204),  # nothing new: the common case
        )
    assert counts[FEW] == counts[MANY], counts


def test_the_therapists_conversation_costs_the_same_with_300_messages_as_with_30(short_and_long):
    therapist = short_and_long[0].client.therapist
    browser = _browser(therapist.user)
    counts = {}
    for conversation in short_and_long:
        page = reverse("messaging:conversation", kwargs={"client_uuid": conversation.client.uuid})
        counts[conversation.messages.count()] = _queries(browser, page)
    assert counts[FEW] == counts[MANY], counts


def test_the_inbox_costs_the_same_with_ten_conversations_as_with_one():
    counts = {}
    for how_many in (1, 10):
        therapist = StaffFactory()
        for n in range(how_many):
            conversation = _talk(ClientFactory(therapist=therapist), 4 + n)
            if n % 2:  # some wait for an answer, some do not
                Conversation.objects.filter(pk=conversation.pk).update(reply_by=None)
        counts[how_many] = _queries(_browser(therapist.user), reverse("messaging:inbox"))
    assert counts[1] == counts[10], counts


def test_a_poll_with_nothing_new_is_one_query_beyond_signing_in_on_both_sides(short_and_long):
    """An open conversation polls every few seconds: with nothing new it answers 204 from one indexed query
    (beyond the session and the signed-in person every page reads), never reading a message or writing an
    audit row, however long the conversation."""
    therapist = short_and_long[0].client.therapist
    ana = _browser(therapist.user)
    for conversation in short_and_long:
        newest = conversation.last_message_id
        client = _browser(conversation.client.user)
        signed_in = _queries(client, reverse("messaging:choices", kwargs={"kind": "care"}), status=405)
        poll = reverse("messaging:poll", kwargs={"kind": "care"})
        assert _queries(client, f"{poll}?after={newest}", status=204) == signed_in + 1
        # A page that answers before reading anything (GET where only POST is allowed): signing in alone.
        send = reverse("messaging:staff_send", kwargs={"client_uuid": conversation.client.uuid})
        staff_signed_in = _queries(ana, send, status=405)
        staff_poll = reverse("messaging:staff_poll", kwargs={"client_uuid": conversation.client.uuid})
        assert _queries(ana, f"{staff_poll}?after={newest}", status=204) == staff_signed_in + 1
        # Something new: the messages after the mark, as before.
        assert ana.get(f"{staff_poll}?after={newest - 1}").status_code == 200
        assert client.get(f"{poll}?after={newest - 1}").status_code == 200

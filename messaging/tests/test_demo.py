"""The demo's messages: warm conversations for each demo client, one message waiting with a reply-by date,
a shared practice, Ana's promise, a practice notice and Cara's question to the office; nothing alarming,
nobody emailed, and a second run adds nothing."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import F
from django.utils import timezone

from messaging.models import Conversation, Message, MessagingSettings, Notice
from messaging.replies import reply_by
from mindfulness.content import EXERCISES
from outbox.models import Email
from practice.models import Client, Practice, StaffMember
from risk.detection import safe_detect

pytestmark = pytest.mark.django_db


def test_the_demo_has_warm_conversations_and_a_second_run_adds_nothing():
    call_command("seed_demo", stdout=StringIO())
    practice = Practice.objects.get(slug="willow-tree")
    cara, dev, eli = (Client.objects.get(user__email=f"{n}@demo.tending.test") for n in ("cara", "dev", "eli"))
    sam = StaffMember.objects.get(user__email="admin@demo.tending.test")

    for client in (cara, dev, eli):
        conversation = Conversation.objects.get(client=client, kind=Conversation.Kind.CARE)
        messages = list(conversation.messages.in_order())
        assert len(messages) >= 3
        assert {m.sender_staff for m in messages} == {None, client.therapist}
        assert [m.sent_at for m in messages] == sorted(m.sent_at for m in messages)
        assert all(m.sent_at <= timezone.now() for m in messages)
        assert conversation.last_message_id == messages[-1].pk
        assert conversation.last_message_at == messages[-1].sent_at
        for message in messages:
            assert not message.risk_found
            if message.from_client:
                assert not safe_detect(message.body).risk
                assert message.reply_by == reply_by(
                    practice=practice, staff=client.therapist, within_days=2, sent_at=message.sent_at
                )
                answers = [m for m in messages if not m.from_client and m.pk > message.pk]
                assert message.answered_at == (answers[0].sent_at if answers else None)

    # Exactly one message waits: Eli's, with its reply-by date on his conversation.
    waiting = Message.objects.filter(sender_staff__isnull=True, answered_at__isnull=True)
    assert [m.conversation.client for m in waiting] == [eli]
    eli_care = Conversation.objects.get(client=eli, kind=Conversation.Kind.CARE)
    assert eli_care.reply_by == waiting.get().reply_by > timezone.now()
    assert Conversation.objects.exclude(pk=eli_care.pk).filter(reply_by__isnull=False).count() == 0
    assert eli_care.staff_read_up_to < eli_care.last_message_id

    shared = Message.objects.get(shared_kind=Message.Shared.PRACTICE)
    assert shared.conversation.client == dev and shared.sender_staff == dev.therapist
    assert shared.shared_ref in {exercise.slug for exercise in EXERCISES}

    promise = MessagingSettings.objects.get(staff=cara.therapist)
    assert "two working days" in promise.promise

    notice = Notice.objects.get(practice=practice)
    assert notice.published_by.is_owner and notice.withdrawn_at is None

    office = Conversation.objects.get(client=cara, kind=Conversation.Kind.OFFICE)
    office_messages = list(office.messages.in_order())
    assert {m.sender_staff for m in office_messages} == {None, sam}
    assert "invoice" in office_messages[0].body
    assert office.reply_by is None

    # History is not news: no email now, and none owed to the messages job.
    assert not Email.objects.filter(about_type__startswith="messaging.").exists()
    for conversation in Conversation.objects.all():
        last_staff = conversation.messages.from_staff().in_order().last()
        last_client = conversation.messages.from_client().in_order().last()
        assert last_staff is None or conversation.client_emailed_at > last_staff.sent_at
        assert last_client is None or conversation.staff_emailed_at > last_client.sent_at
    # Everything else has been read, but for Ana's fresh reply to Cara.
    unread = Conversation.objects.filter(client_read_up_to__lt=F("last_message_id"))
    assert [c.client for c in unread] == [cara]

    before = (Conversation.objects.count(), Message.objects.count(), Notice.objects.count())
    call_command("seed_demo", stdout=StringIO())
    assert (Conversation.objects.count(), Message.objects.count(), Notice.objects.count()) == before
    assert MessagingSettings.objects.filter(staff__practice=practice).count() == 2

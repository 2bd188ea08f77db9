"""The practice's side of messages: the therapist's inbox and conversation, emergency reads, the office's
conversation, who may start, sharing a practice, the promise and the panels."""

import uuid
from datetime import timedelta
from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client as Browser
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from core import crypto
from dataprivacy.services import erasure_complete, erasure_request
from messaging.models import Attachment, Conversation, Message, MessagingSettings
from messaging.services import READ_OBJECT_TYPE, conversation_for, message_send
from selfcare.models import Activity
from tending.testing.factories import ClientFactory
from tending.testing.personas import add_administrator_persona, add_emergency_persona, build_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    return add_administrator_persona(add_emergency_persona(build_world()))


def browser(person) -> Browser:
    found = Browser()
    found.force_login(person.user)
    return found


def client_says(client, body="Hello, I wanted to ask something.", kind=Conversation.Kind.CARE):
    conversation = conversation_for(client=client, kind=kind)
    message, _, _ = message_send(conversation=conversation, body=body, idempotency_key=uuid.uuid4())
    return message


def page(name, client):
    return reverse(f"messaging:{name}", kwargs={"client_uuid": client.uuid})


# --- the inbox ---------------------------------------------------------------------------------------


def test_inbox_puts_a_risky_message_first_then_the_soonest_reply_by(w):
    later = ClientFactory(therapist=w.therapist)
    client_says(later)
    client_says(w.client_b)
    client_says(w.client_a, "Just a note.")
    now = timezone.now()
    Conversation.objects.filter(client=later).update(reply_by=now + timedelta(days=1))
    Conversation.objects.filter(client=w.client_b).update(reply_by=now + timedelta(days=3), risk_waiting=True)
    Conversation.objects.filter(client=w.client_a).update(reply_by=now + timedelta(days=2))
    response = browser(w.therapist).get(reverse("messaging:inbox"))
    assert response.status_code == 200
    order = [row.client_uuid for row in response.context["page"]]
    assert order == [w.client_b.uuid, later.uuid, w.client_a.uuid]
    body = response.content.decode()
    assert body.count('<tr class="unread">') == 3
    assert body.count("May need your attention") == 1


def test_inbox_shows_only_the_therapists_own_clients_with_messages(w):
    client_says(w.client_c)  # Ben's client
    conversation_for(client=w.client_b)  # opened, nothing written
    response = browser(w.therapist).get(reverse("messaging:inbox"))
    assert list(response.context["page"]) == []
    assert "No messages yet" in response.content.decode()


def test_inbox_costs_the_same_for_many_conversations(w):
    client_says(w.client_a)
    ana = browser(w.therapist)
    ana.get(reverse("messaging:inbox"))
    with CaptureQueriesContext(connection) as few:
        ana.get(reverse("messaging:inbox"))
    for _ in range(8):
        client_says(ClientFactory(therapist=w.therapist))
    with CaptureQueriesContext(connection) as many:
        response = ana.get(reverse("messaging:inbox"))
    assert len(response.context["page"]) == 9
    assert len(many) == len(few)


def test_the_inbox_never_opens_a_clients_draft(w):
    """The draft is sealed and the inbox does not show it: fifty conversations a page would open fifty drafts."""
    client_says(w.client_a)
    conversation = conversation_for(client=w.client_a)
    conversation.client_draft = "Half a thought I have not sent yet"
    conversation.save(update_fields=["client_draft"])
    with mock.patch("core.crypto.decrypt", wraps=crypto.decrypt) as opened:
        response = browser(w.therapist).get(reverse("messaging:inbox"))
    assert [c.client_uuid for c in response.context["page"]] == [w.client_a.uuid]
    contexts = [call.kwargs.get("context") for call in opened.call_args_list]
    assert "messaging.conversation.client_draft" not in contexts
    assert "Half a thought" not in response.content.decode()


def test_the_inboxes_leave_out_erased_clients_and_other_practices(w):
    oak_client = ClientFactory(therapist=w.outsider)
    for client in (w.client_a, w.client_b, oak_client):
        client_says(client)
        client_says(client, "About my invoice", kind=Conversation.Kind.OFFICE)
    erasure_complete(erasure=erasure_request(client=w.client_b), owner=w.owner)
    inbox = browser(w.therapist).get(reverse("messaging:inbox"))
    assert [c.client_uuid for c in inbox.context["page"]] == [w.client_a.uuid]
    office = browser(w.administrator).get(reverse("messaging:office_inbox"))
    assert [c.client_uuid for c in office.context["page"]] == [w.client_a.uuid]
    assert w.client_b.display_name not in office.content.decode()


# --- the conversation --------------------------------------------------------------------------------


def test_reading_the_conversation_is_audited_with_ids_never_words(w):
    message = client_says(w.client_a, "Something private about my week")
    response = browser(w.therapist).get(page("conversation", w.client_a))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Something private about my week" in body
    assert "Please reply by" in body
    event = AuditEvent.objects.filter(object_type=READ_OBJECT_TYPE, action=AuditEvent.Action.READ).get()
    assert event.detail["messages"] == [str(message.uuid)]
    assert "private" not in str(event.detail)
    conversation = Conversation.objects.get(client=w.client_a)
    assert conversation.staff_read_up_to == message.pk


def test_the_therapist_replies_once_however_often_the_form_is_sent(w):
    client_says(w.client_a)
    ana = browser(w.therapist)
    key = str(uuid.uuid4())
    for _ in range(2):
        response = ana.post(page("staff_send", w.client_a), {"body": "Thank you for writing.", "idempotency_key": key})
        assert response.status_code == 302
    assert Message.objects.from_staff().filter(conversation__client=w.client_a).count() == 1
    conversation = Conversation.objects.get(client=w.client_a)
    assert conversation.reply_by is None


def test_an_empty_reply_is_refused_kindly_and_a_long_one_keeps_its_words(w):
    ana = browser(w.therapist)
    response = ana.post(page("staff_send", w.client_a), {"body": "  ", "idempotency_key": str(uuid.uuid4())})
    assert response.status_code == 400
    assert "nothing to send" in response.content.decode()
    long = "a" * 5001
    response = ana.post(page("staff_send", w.client_a), {"body": long, "idempotency_key": str(uuid.uuid4())})
    assert response.status_code == 400
    assert long in response.content.decode()
    assert not Message.objects.exists()


def test_a_risky_message_is_flagged_gently_with_a_link_to_the_alerts(w):
    message = client_says(w.client_a, "Just checking in.")
    Message.objects.filter(pk=message.pk).update(risk_found=True)
    body = browser(w.therapist).get(page("conversation", w.client_a)).content.decode()
    assert reverse("risk:list") in body
    assert "may mean Cara" in body


def test_read_by_the_client_is_shown_only_when_they_chose_it(w):
    conversation = conversation_for(client=w.client_a)
    message_send(conversation=conversation, body="Hello Cara", idempotency_key=uuid.uuid4(), staff=w.therapist)
    conversation.refresh_from_db()
    Conversation.objects.filter(pk=conversation.pk).update(
        client_read_up_to=conversation.last_message_id, client_read_at=timezone.now()
    )
    ana = browser(w.therapist)
    assert "Read by" not in ana.get(page("conversation", w.client_a)).content.decode()
    Conversation.objects.filter(pk=conversation.pk).update(client_shows_read=True)
    assert "Read by Cara" in ana.get(page("conversation", w.client_a)).content.decode()


def test_after_a_handover_without_messages_the_earlier_ones_stay_with_the_former_therapist(w):
    old = client_says(w.client_a, "Written to my former therapist")
    Conversation.objects.filter(client=w.client_a).update(staff_sees_from=timezone.now() + timedelta(seconds=1))
    Message.objects.filter(pk=old.pk).update(sent_at=timezone.now() - timedelta(days=3))
    body = browser(w.therapist).get(page("conversation", w.client_a)).content.decode()
    assert "Written to my former therapist" not in body
    assert "stayed with" in body


def test_polling_brings_only_new_messages(w):
    first = client_says(w.client_a, "First")
    second = client_says(w.client_a, "Second")
    response = browser(w.therapist).get(page("staff_poll", w.client_a) + f"?after={first.pk}")
    body = response.content.decode()
    assert response.status_code == 200
    assert "Second" in body and "First" not in body
    assert f"after={second.pk}" in body


def test_the_conversation_is_paged(w):
    conversation = conversation_for(client=w.client_a)
    for n in range(35):
        message_send(conversation=conversation, body=f"Message number {n:02d}", idempotency_key=uuid.uuid4())
    ana = browser(w.therapist)
    newest = ana.get(page("conversation", w.client_a))
    assert newest.context["earlier"]
    assert "Message number 34" in newest.content.decode() and "Message number 00" not in newest.content.decode()
    earlier = ana.get(page("conversation", w.client_a) + f"?before={newest.context['earliest_id']}")
    assert "Message number 00" in earlier.content.decode()
    assert "every 10s" not in earlier.content.decode() and "every 10s" in newest.content.decode()


def test_the_conversation_page_costs_the_same_for_a_long_conversation(w):
    conversation = conversation_for(client=w.client_a)
    message_send(conversation=conversation, body="One", idempotency_key=uuid.uuid4())
    ana = browser(w.therapist)
    ana.get(page("conversation", w.client_a))
    with CaptureQueriesContext(connection) as few:
        ana.get(page("conversation", w.client_a))
    for n in range(20):
        message_send(conversation=conversation, body=f"More {n}", idempotency_key=uuid.uuid4())
    ana.get(page("conversation", w.client_a))  # the read mark moves once; the same reading again costs the same
    with CaptureQueriesContext(connection) as many:
        ana.get(page("conversation", w.client_a))
    assert len(many) == len(few)


# --- who may read --------------------------------------------------------------------------------------


def test_the_owner_reads_no_care_conversation_without_a_grant(w):
    client_says(w.client_b)
    assert browser(w.owner).get(page("conversation", w.client_b)).status_code == 404
    assert browser(w.emergency).get(page("conversation", w.client_b)).status_code == 404


def test_an_owner_with_a_grant_reads_only(w):
    client_says(w.client_a, "Hard week")
    eve = browser(w.emergency)
    response = eve.get(page("conversation", w.client_a))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Hard week" in body
    assert page("staff_send", w.client_a) not in body and page("who_starts", w.client_a) not in body
    data = {"body": "I should not be able to", "idempotency_key": str(uuid.uuid4())}
    assert eve.post(page("staff_send", w.client_a), data).status_code == 404
    assert eve.post(page("who_starts", w.client_a), {"who_starts": "replies"}).status_code == 404
    assert Message.objects.from_staff().count() == 0
    # Her read is audited, and Ana's unread messages stay unread for Ana.
    event = AuditEvent.objects.filter(object_type=READ_OBJECT_TYPE, actor_id=w.emergency.user.uuid).get()
    assert len(event.detail["messages"]) == 1
    assert Conversation.objects.get(client=w.client_a).staff_read_up_to == 0


def test_the_administrator_and_another_therapist_get_404_on_care_conversations(w):
    client_says(w.client_a)
    for person in (w.administrator, w.colleague, w.outsider):
        assert browser(person).get(page("conversation", w.client_a)).status_code == 404
        assert browser(person).get(page("staff_poll", w.client_a) + "?after=0").status_code == 404


def test_the_office_conversation_is_for_owners_and_the_administrator_only(w):
    client_says(w.client_a, "Can I move my Tuesday appointment?", kind=Conversation.Kind.OFFICE)
    for person in (w.administrator, w.owner):
        response = browser(person).get(page("office_conversation", w.client_a))
        assert response.status_code == 200
        assert "move my Tuesday" in response.content.decode()
        assert (
            reverse("practice:client_detail", kwargs={"client_uuid": w.client_a.uuid}) not in response.content.decode()
        )
    assert browser(w.therapist).get(page("office_conversation", w.client_a)).status_code == 404
    assert browser(w.outsider).get(page("office_conversation", w.client_a)).status_code == 404
    inbox = browser(w.administrator).get(reverse("messaging:office_inbox"))
    assert [c.client_uuid for c in inbox.context["page"]] == [w.client_a.uuid]
    sam = browser(w.administrator)
    response = sam.post(
        page("office_send", w.client_a), {"body": "Of course, Thursday works.", "idempotency_key": str(uuid.uuid4())}
    )
    assert response.status_code == 302
    assert Message.objects.get(sender_staff=w.administrator).conversation.kind == Conversation.Kind.OFFICE


# --- who starts, sharing, settings ---------------------------------------------------------------------


def test_who_starts_is_chosen_per_client_and_audited(w):
    ana = browser(w.therapist)
    response = ana.post(page("who_starts", w.client_a), {"who_starts": "replies"})
    assert response.status_code == 302
    conversation = Conversation.objects.get(client=w.client_a, kind=Conversation.Kind.CARE)
    assert conversation.who_starts == Conversation.WhoStarts.REPLIES
    event = AuditEvent.objects.get(object_type="messaging.conversation", action=AuditEvent.Action.UPDATE)
    assert event.detail == {"fields": ["who_starts"], "who_starts": "replies"}


def test_sharing_a_practice_and_a_self_care_idea(w):
    ana = browser(w.therapist)
    response = ana.post(
        page("share", w.client_a),
        {"item": "practice:soothing-rhythm-breathing", "note": "", "idempotency_key": str(uuid.uuid4())},
    )
    assert response.status_code == 302
    shared = Message.objects.get(shared_kind="practice")
    assert shared.shared_ref == "soothing-rhythm-breathing" and shared.sender_staff == w.therapist
    activity = Activity.objects.create(
        client=w.client_a, area=Activity._meta.get_field("area").choices[0][0], text="A walk"
    )
    response = ana.post(
        page("share", w.client_a),
        {"item": f"selfcare:{activity.uuid}", "note": "Maybe this week?", "idempotency_key": str(uuid.uuid4())},
    )
    assert response.status_code == 302
    assert Message.objects.get(shared_kind="selfcare").shared_ref == str(activity.uuid)
    assert "A walk" in ana.get(page("conversation", w.client_a)).content.decode()


def test_another_clients_activity_cannot_be_shared(w):
    theirs = Activity.objects.create(
        client=w.client_b, area=Activity._meta.get_field("area").choices[0][0], text="Theirs"
    )
    response = browser(w.therapist).post(
        page("share", w.client_a), {"item": f"selfcare:{theirs.uuid}", "idempotency_key": str(uuid.uuid4())}
    )
    assert response.status_code == 400
    assert not Message.objects.exists()


def test_the_promise_is_saved_on_first_save_and_checked(w):
    ana = browser(w.therapist)
    assert ana.get(reverse("messaging:settings")).status_code == 200
    data = {"promise": "I read messages on Tuesday mornings.", "reply_within_days": "11", "long_message_after": "1500"}
    response = ana.post(reverse("messaging:settings"), data)
    assert response.status_code == 400
    assert "Tuesday mornings" in response.content.decode()
    assert not MessagingSettings.objects.exists()
    response = ana.post(reverse("messaging:settings"), {**data, "reply_within_days": "3"})
    assert response.status_code == 302
    saved = MessagingSettings.objects.get(staff=w.therapist)
    assert saved.reply_within_days == 3 and saved.emails is False


# --- panels --------------------------------------------------------------------------------------------


def test_panels_count_without_words(w):
    client_says(w.client_a, "Nobody else should see this sentence")
    record = browser(w.therapist).get(reverse("practice:client_detail", kwargs={"client_uuid": w.client_a.uuid}))
    body = record.content.decode()
    assert "1 unread message" in body and "Nobody else" not in body
    home = browser(w.therapist).get(reverse("caseload:home")).content.decode()
    assert reverse("messaging:inbox") in home and "Nobody else" not in home
    client_says(w.client_b, "About my invoice", kind=Conversation.Kind.OFFICE)
    office = browser(w.administrator).get(reverse("bookings:office")).content.decode()
    assert reverse("messaging:office_inbox") in office and "About my invoice" not in office


def test_the_therapist_sends_a_file(w):
    pdf = SimpleUploadedFile("plan.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n", "application/pdf")
    response = browser(w.therapist).post(
        page("staff_send", w.client_a), {"body": "", "idempotency_key": str(uuid.uuid4()), "files": [pdf]}
    )
    assert response.status_code == 302, response.content.decode()[:500]
    attachment = Attachment.objects.without_data().get()
    assert attachment.kind == "pdf" and attachment.message.sender_staff == w.therapist


def test_a_wrong_file_is_refused_kindly_and_keeps_the_words(w):
    junk = SimpleUploadedFile("notes.pdf", b"MZ this is not a pdf at all", "application/pdf")
    response = browser(w.therapist).post(
        page("staff_send", w.client_a),
        {"body": "Here is the plan", "idempotency_key": str(uuid.uuid4()), "files": [junk]},
    )
    assert response.status_code == 400
    assert "Here is the plan" in response.content.decode()
    assert not Message.objects.exists()


def test_each_message_is_written_with_its_author_time_words_and_what_it_carries(w):
    pdf = SimpleUploadedFile("sheet <1>.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n", "application/pdf")
    ana = browser(w.therapist)
    sent = {"body": "Here is the sheet.", "idempotency_key": str(uuid.uuid4()), "files": [pdf]}
    assert ana.post(page("staff_send", w.client_a), sent).status_code == 302
    risky = client_says(w.client_a, "Some days I want to die.\nSee www.example.com")
    due = timezone.now() + timedelta(days=2)
    Message.objects.filter(pk=risky.pk).update(reply_by=due, shared_kind="practice", shared_ref="no-such-practice")
    body = ana.get(page("conversation", w.client_a)).content.decode()
    at = timezone.localtime(risky.sent_at, w.client_a.practice.zone)
    reply_by = timezone.localtime(due, w.client_a.practice.zone)
    assert (
        f'<li class="message message-theirs" id="message-{risky.pk}">\n'
        f'  <p class="message-meta">\n    <strong>{w.client_a.display_name}</strong>,\n'
        f'    <time datetime="{at.isoformat()}">{at:%-d %b %Y, %H:%M}</time>\n  </p>\n'
        '  <div class="message-body">Some days I want to die.<br>See '
        '<a href="https://www.example.com" rel="nofollow">www.example.com</a></div>'
        '<p class="message-shared">A practice: A practice</p>'
        f'<p class="message-risk">This message has words that may mean {w.client_a.display_name} is struggling. '
        f'<a href="{reverse("risk:list")}">Risk alerts</a></p>'
        f'<p class="message-reply-by">Please reply by {reply_by:%A %-d %B}.</p>\n</li>'
    ) in body
    attachment = Attachment.objects.without_data().get()
    link = reverse("messaging:attachment", kwargs={"attachment_uuid": attachment.uuid})
    assert (
        f'<ul class="message-files">\n    <li><a href="{link}">{attachment.filename}</a> (PDF, 45\xa0bytes)</li>\n  </ul>'
        in body
    )

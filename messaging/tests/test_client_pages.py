"""The client's conversation: reading, sending (once, kindly refused, never losing the words), the draft
kept through a timed-out sign-in, polling, choices, the home panel, and what the page promises."""

import re
import uuid
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from audit.models import AuditEvent
from messaging.models import MAX_MESSAGE_LENGTH, Attachment, Conversation, Message, MessagingSettings
from messaging.panels_client import client_home
from messaging.services import conversation_for, message_send
from messaging.tests.test_attachments import EXE, PDF, jpeg_with_exif
from practice.models import AwayPeriod, Client, StaffMember
from selfcare.models import Activity
from tending.testing.factories import ClientFactory, StaffFactory

pytestmark = pytest.mark.django_db

BLAME = re.compile(r"\b(missed|failed|overdue|seen by)\b", re.I)
MINE = reverse("messaging:mine")
SEND = reverse("messaging:send", kwargs={"kind": "care"})


@pytest.fixture
def cara():
    therapist = StaffFactory(user__name="Ana Therapist")
    return ClientFactory(therapist=therapist)


@pytest.fixture
def http(client, cara):
    client.force_login(cara.user)
    return client


def key():
    return str(uuid.uuid4())


def reply(client, body="Thank you for writing.", **extra):
    conversation = conversation_for(client=client)
    return message_send(
        conversation=conversation, body=body, idempotency_key=uuid.uuid4(), staff=client.therapist, **extra
    )[0]


def page_key(response) -> str:
    return re.search(r'name="key" value="([0-9a-f-]+)"', response.content.decode()).group(1)


def test_the_page_shows_the_promise_the_emergency_line_and_the_box(http, cara):
    response = http.get(MINE)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Messages are not for emergencies" in html and reverse("practice:crisis") in html
    assert "I read messages on weekday mornings" in html
    assert 'id="message-body"' in html and 'maxlength="5000"' in html and 'name="key"' in html
    assert 'hx-trigger="every 10s"' in html and 'aria-live="polite"' in html
    assert not BLAME.search(html)


def test_sending_once_even_when_pressed_twice(http, cara):
    form_key = page_key(http.get(MINE))
    for _ in range(2):
        response = http.post(SEND, {"body": "Could we talk about Tuesday?", "key": form_key})
        assert response.status_code == 302
    assert Message.objects.filter(conversation__client=cara).count() == 1
    page = http.get(response["Location"]).content.decode()
    message = Message.objects.get()
    assert "Could we talk about Tuesday?" in page and "Your message is sent." in page
    reply_by = message.reply_by.astimezone(cara.practice.zone)
    assert f"will reply by {reply_by:%A} {reply_by.day} {reply_by:%B}" in page


def test_empty_too_long_and_wrong_files_are_refused_kindly_with_the_words_kept(http, cara):
    response = http.post(SEND, {"body": "   ", "key": key()})
    assert response.status_code == 400 and "nothing to send yet" in response.content.decode()
    long_text = "word " * (MAX_MESSAGE_LENGTH // 4)
    response = http.post(SEND, {"body": long_text, "key": key()})
    html = response.content.decode()
    assert response.status_code == 400 and "Nothing is lost" in html and long_text.strip() in html
    exe = SimpleUploadedFile("statement.pdf", EXE, content_type="application/pdf")
    response = http.post(SEND, {"body": "Here is my statement", "key": key(), "files": [exe]})
    html = response.content.decode()
    assert response.status_code == 400 and "not a kind of file we can send" in html
    assert "Here is my statement" in html
    files = [SimpleUploadedFile(f"f{i}.pdf", PDF) for i in range(6)]
    response = http.post(SEND, {"body": "Six", "key": key(), "files": files})
    assert response.status_code == 400 and "up to 5 files" in response.content.decode()
    assert not Message.objects.exists()
    # The kept words are also the draft, in case the page is left.
    assert Conversation.objects.get(client=cara).client_draft == "Six"


def test_files_are_sent_with_the_message_and_linked(http, cara):
    files = [SimpleUploadedFile("scan.pdf", PDF), SimpleUploadedFile("me.jpg", jpeg_with_exif())]
    response = http.post(SEND, {"body": "", "key": key(), "files": files})
    assert response.status_code == 302
    attachments = Attachment.objects.without_data().order_by("id")
    assert [a.kind for a in attachments] == ["pdf", "image"]
    html = http.get(MINE).content.decode()
    for attachment in attachments:
        assert reverse("messaging:attachment", kwargs={"attachment_uuid": attachment.uuid}) in html


def test_risk_words_are_sent_and_the_contacts_shown_at_once(http, cara):
    response = http.post(SEND, {"body": "Some days I want to end it all", "key": key()}, follow=True)
    html = response.content.decode()
    assert Message.objects.get().risk_found
    assert "If you are struggling right now" in html and reverse("safetyplan:mine") in html


def test_a_long_message_gets_the_gentle_note_and_is_still_sent(http, cara):
    MessagingSettings.objects.create(staff=cara.therapist, long_message_after=20)
    html = http.get(MINE).content.decode()
    assert 'data-long-after="20"' in html and 'id="long-note"' in html
    response = http.post(SEND, {"body": "A" * 40, "key": key()}, follow=True)
    assert Message.objects.count() == 1
    assert "might be one for your next session" in response.content.decode()


def test_the_draft_is_kept_and_restored_after_the_sign_in_times_out(http, cara, settings):
    http.get(MINE)
    response = http.post(reverse("messaging:draft", kwargs={"kind": "care"}), {"body": "Half a thought about"})
    assert response.status_code == 200 and "Draft kept" in response.content.decode()
    session = http.session
    session["tending_seen"] -= settings.TENDING_IDLE_TIMEOUT_CLIENT + 60
    session.save()
    response = http.post(SEND, {"body": "Half a thought about Sunday", "key": key()})
    assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))
    assert not Message.objects.exists()
    next_url = response["Location"].split("next=", 1)[1]
    http.force_login(cara.user)
    back = http.get(next_url)
    assert back.status_code == 302 and back["Location"] == MINE
    html = http.get(MINE).content.decode()
    assert ">Half a thought about</textarea>" in html


def test_sending_clears_the_draft(http, cara):
    http.post(reverse("messaging:draft", kwargs={"kind": "care"}), {"body": "Draft"})
    http.post(SEND, {"body": "Draft, finished", "key": key()})
    assert Conversation.objects.get(client=cara).client_draft is None


def test_polling_adds_new_messages_announces_briefly_and_marks_them_read(http, cara):
    http.get(MINE)
    poll = reverse("messaging:poll", kwargs={"kind": "care"})
    nothing = http.get(poll + "?after=0")
    # Nothing new: 204 and no body, so htmx swaps nothing and the poller asks again with the same mark.
    assert nothing.status_code == 204 and nothing.content == b""
    answer = reply(cara, "I can do Tuesday at ten.")
    response = http.get(poll + "?after=0")
    html = response.content.decode()
    assert "I can do Tuesday at ten." in html and "New message from Ana Therapist" in html
    assert html.count("I can do Tuesday at ten.") == 1
    assert f"after={answer.pk}" in html
    assert Conversation.objects.get(client=cara).client_read_up_to == answer.pk
    assert http.get(poll + "?after=x").status_code == 400


def test_reading_the_page_marks_read_and_the_home_panel_counts_without_words(rf, http, cara):
    reply(cara, "Private words")
    reply(cara, "More private words")
    request = rf.get("/")
    request.user = cara.user
    panel = client_home(request, cara)
    assert "2 new messages" in panel and "Private" not in panel and MINE in panel
    html = http.get(MINE).content.decode()
    assert html.count(">New</span>") == 2
    assert "new messages" not in client_home(request, cara)


def test_the_panel_count_takes_a_fixed_number_of_queries(rf, cara, django_assert_max_num_queries):
    for n in range(5):
        reply(cara, f"Note {n}")
    request = rf.get("/")
    request.user = cara.user
    with django_assert_max_num_queries(2):
        client_home(request, cara)


def test_earlier_messages_are_paged(http, cara):
    conversation = conversation_for(client=cara)
    for n in range(35):
        message_send(conversation=conversation, body=f"Message number {n}.", idempotency_key=uuid.uuid4())
    html = http.get(MINE).content.decode()
    assert "Message number 34." in html and "Message number 4." not in html and "Earlier messages" in html
    first_shown = Message.objects.order_by("id")[5]
    earlier = http.get(MINE + f"?before={first_shown.pk}").content.decode()
    assert "Message number 4." in earlier and "Message number 5." not in earlier


def test_choices_are_saved_and_audited(http, cara):
    html = http.get(MINE).content.decode()
    assert "Let Ana Therapist see when I have read" in html
    assert "it never includes the message" in html.lower() or "never includes the message" in html
    response = http.post(reverse("messaging:choices", kwargs={"kind": "care"}), {"client_shows_read": "on"})
    assert response.status_code == 302
    conversation = Conversation.objects.get(client=cara)
    assert conversation.client_shows_read and not conversation.client_emails
    assert AuditEvent.objects.filter(object_type="messaging.conversation.choices").exists()


def test_replies_only_shows_a_kind_line_instead_of_the_box(http, cara):
    conversation = conversation_for(client=cara)
    Conversation.objects.filter(pk=conversation.pk).update(who_starts=Conversation.WhoStarts.REPLIES)
    html = http.get(MINE).content.decode()
    assert "will write to you first; you can reply then" in html and 'id="message-body"' not in html
    reply(cara, "Hello Cara")
    assert 'id="message-body"' in http.get(MINE).content.decode()


def test_after_care_has_ended_the_conversation_is_read_only(http, cara):
    reply(cara, "Take care")
    Client.objects.filter(pk=cara.pk).update(care_status=Client.CareStatus.ENDED)
    html = http.get(MINE).content.decode()
    assert "Take care" in html and 'id="message-body"' not in html and "has ended" in html
    # Refused kindly (issue 21): the page again, saying nobody at the practice would read it; nothing sent.
    assert http.post(SEND, {"body": "Hello", "key": key()}).status_code == 403


def test_time_away_is_said_honestly(http, cara):
    today = cara.therapist.today()
    AwayPeriod.objects.create(
        staff=cara.therapist, starts_on=today, ends_on=today + timedelta(days=3), created_by=cara.therapist
    )
    back = today + timedelta(days=4)
    html = http.get(MINE).content.decode()
    assert f"Ana Therapist is away until {back:%A} {back.day} {back:%B}" in html


def test_a_shared_practice_and_self_care_idea_open_in_one_tap(http, cara):
    activity = Activity.objects.create(client=cara, area="body", text="A slow walk by the river")
    reply(cara, "Try this", shared_kind="practice", shared_ref="self-compassion-break")
    reply(cara, "And this", shared_kind="selfcare", shared_ref=str(activity.uuid))
    html = http.get(MINE).content.decode()
    assert reverse("mindfulness:play", kwargs={"slug": "self-compassion-break"}) in html
    assert "A slow walk by the river" in html and reverse("selfcare:plan") in html


def test_the_practice_conversation_opens_only_where_the_practice_has_an_administrator(http, cara):
    office = reverse("messaging:mine_kind", kwargs={"kind": "office"})
    assert http.get(office).status_code == 404
    StaffFactory(practice=cara.practice, is_administrator=True, is_therapist=False)
    assert StaffMember.objects.filter(is_administrator=True).exists()
    html = http.get(office).content.decode()
    assert "Messages with the practice" in html
    response = http.post(
        reverse("messaging:send", kwargs={"kind": "office"}), {"body": "About my invoice", "key": key()}
    )
    assert response.status_code == 302
    assert Message.objects.get().conversation.kind == "office"


def test_staff_and_strangers_cannot_open_client_pages(client, cara):
    assert client.get(MINE).status_code == 302
    client.force_login(cara.therapist.user)
    assert client.get(MINE).status_code == 404
    assert client.post(SEND, {"body": "x", "key": key()}).status_code == 404


def test_the_nav_links_to_messages(http):
    assert f'href="{MINE}">Messages<' in http.get(reverse("journal:list")).content.decode()


def test_a_send_while_signed_out_goes_to_sign_in_and_stores_nothing(client):
    response = client.post(SEND, {"body": "Hello", "key": key()})
    assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))
    assert not Message.objects.exists()


def test_links_in_a_message_can_be_followed_and_nothing_else_becomes_markup(http, cara):
    reply(cara, body="A recording I mentioned: https://example.org/breathing\n<b>not bold</b>")
    html = http.get(MINE).content.decode()
    assert '<a href="https://example.org/breathing" rel="nofollow">https://example.org/breathing</a>' in html
    assert "&lt;b&gt;not bold&lt;/b&gt;" in html and "<b>not bold</b>" not in html

"""On a phone, a client writes to their therapist with a file, sends it, and the answer appears without a
reload; Enter makes a new line (it never sends); the page passes axe-core and does not scroll sideways."""

import uuid

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from messaging.models import Attachment, Message
from messaging.services import conversation_for, message_send
from messaging.tests.test_attachments import PDF
from tending.testing.browser import assert_accessible, assert_no_horizontal_scroll, login
from tending.testing.personas import build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_client_writes_attaches_sends_and_sees_the_answer_arrive(page, live_server):
    world = build_world()
    login(page, live_server, world.client_a.user.email)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Messages").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Messages with")
    assert page.get_by_text("Messages are not for emergencies").is_visible()
    assert_accessible(page)
    assert_no_horizontal_scroll(page)

    box = page.get_by_label("Your message to")
    box.fill("Thank you for Tuesday.")
    box.press("Enter")  # a new line, never a send
    box.press_sequentially("Here is the letter from my GP.")
    assert page.url.endswith(reverse("messaging:mine")) and not Message.objects.exists()
    page.get_by_label("Add files (optional)").set_input_files(
        files=[{"name": "gp letter.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    page.get_by_role("button", name="Send").click()

    expect(page.get_by_text("Your message is sent.")).to_be_visible()
    message = Message.objects.get()
    assert message.body == "Thank you for Tuesday.\nHere is the letter from my GP."
    attachment = Attachment.objects.without_data().get()
    expect(page.get_by_role("link", name="gp letter.pdf")).to_be_visible()
    assert attachment.filename == "gp letter.pdf"
    assert_accessible(page)
    assert_no_horizontal_scroll(page)

    # Ana answers from her side; the page's polling (every 10 s) shows it without a reload.
    message_send(
        conversation=conversation_for(client=world.client_a),
        body="Thank you, I have it. See you on Tuesday.",
        idempotency_key=uuid.uuid4(),
        staff=world.client_a.therapist,
    )
    expect(page.get_by_text("Thank you, I have it. See you on Tuesday.")).to_be_visible(timeout=15_000)
    expect(page.locator("#message-announce")).to_have_text(f"New message from {world.client_a.therapist.display_name}")
    assert_accessible(page)

"""Sign and lock in a real browser, on a phone and a desktop: it asks first, says it cannot be undone, names the
empty prompts it leaves out, and only then locks the note. axe-core finds nothing on the way."""

from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import expect

from bookings.models import Appointment
from notes import services
from notes.models import SessionNote
from tending.testing.browser import assert_accessible, assert_no_horizontal_scroll, login
from tending.testing.personas import build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SIZES = [
    pytest.param({"width": 360, "height": 740}, id="phone"),
    pytest.param({"width": 1280, "height": 900}, id="desktop"),
]


def check(page):
    assert_accessible(page)
    assert_no_horizontal_scroll(page)


@pytest.mark.parametrize("size", SIZES)
def test_sign_and_lock_asks_first_and_leaves_empty_prompts_out(page, live_server, size):
    page.set_viewport_size(size)
    world = build_world()
    start = datetime(2026, 1, 2, 10, tzinfo=UTC) - timedelta(days=2)
    appointment = Appointment.objects.create(
        practice=world.practice,
        therapist=world.therapist,
        client=world.client_a,
        kind="session",
        start=start,
        end=start + timedelta(minutes=50),
        blocked_until=start + timedelta(minutes=60),
        status="completed",
    )
    services.template_ensure_default(therapist=world.therapist)
    note = services.note_start(appointment=appointment, author=world.therapist)
    login(page, live_server, world.therapist.user.email)
    page.goto(f"{live_server.url}/notes/{note.uuid}/write/")
    page.get_by_label("Mind").fill("What was on their mind:\nWork, and sleeping badly.\nFeelings named:\n")
    page.get_by_role("button", name="Sign and lock").click()

    expect(page.get_by_role("heading", level=1, name="Sign and lock this note?")).to_be_visible()
    expect(page.get_by_text("Signing cannot be undone.")).to_be_visible()
    expect(page.get_by_text("Work, and sleeping badly.")).to_be_visible()
    expect(page.get_by_text("Mind: “Feelings named:”")).to_be_visible()
    assert SessionNote.objects.get(pk=note.pk).signed_at is None  # nothing locked yet
    check(page)

    # "No, keep writing" goes back with the text kept; signing again asks again.
    page.get_by_role("link", name="No, keep writing").click()
    expect(page.get_by_label("Mind")).to_have_value(
        "What was on their mind:\nWork, and sleeping badly.\nFeelings named:\n"
    )
    page.get_by_role("button", name="Sign and lock").click()
    page.get_by_role("button", name="Yes, sign and lock").click()

    expect(page.get_by_text("Signed and locked. Any later change will be a dated amendment.")).to_be_visible()
    expect(page.get_by_text("Work, and sleeping badly.")).to_be_visible()
    expect(page.get_by_text("Feelings named")).to_have_count(0)
    signed = SessionNote.objects.get(pk=note.pk)
    assert signed.signed_at is not None
    assert signed.mind == "What was on their mind:\nWork, and sleeping badly."
    check(page)

"""The front door in a real browser, keyboard only: a visitor books, moves and cancels a free
consultation, books again, the therapist invites them, and as a client they book their own session."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from bookings.models import Appointment, Kind
from bookings.tests.helpers import open_every_day
from tending.testing.browser import assert_accessible, assert_no_horizontal_scroll, login
from tending.testing.factories import PASSWORD, PracticeFactory, StaffFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def check(page):
    assert_accessible(page)
    assert_no_horizontal_scroll(page)


def tab_to(page, name: str, *, limit: int = 400) -> None:
    """Press Tab until the focused element's accessible text contains ``name``."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        text = page.evaluate(
            "() => { const e = document.activeElement; if (!e) return '';"
            " const label = e.labels && e.labels[0] ? e.labels[0].innerText : '';"
            " return (e.innerText || e.value || '') + ' ' + label + ' ' + (e.getAttribute('aria-label') || ''); }"
        )
        if name in text:
            return
    raise AssertionError(f"Tab never reached {name!r} on {page.url}")


def press_on(page, name: str) -> None:
    tab_to(page, name)
    with page.expect_navigation():
        page.keyboard.press("Enter")


def last_link(pattern: str) -> str:
    for message in reversed(mail.outbox):
        found = re.search(pattern, message.body)
        if found:
            return found.group(0)
    raise AssertionError(f"No email with {pattern!r}")


@pytest.fixture
def practice():
    practice = PracticeFactory(name="Willow Tree Therapy", slug="willow")
    ana = StaffFactory(practice=practice, is_owner=True, user=UserFactory(email="ana@willow.test", name="Ana Moreno"))
    ana.bio = "Ana works gently with anxiety and the inner critic."
    ana.save(update_fields=["bio"])
    open_every_day(ana)
    return practice


def test_a_visitor_books_moves_cancels_and_becomes_a_client_who_books_a_session(page, live_server, practice):
    base = live_server.url
    page.goto(base + "/")
    expect(page.get_by_role("heading", level=1, name="Willow Tree Therapy")).to_be_visible()
    expect(page.get_by_text("Ana works gently")).to_be_visible()
    check(page)

    # Book: keyboard only, from the public page to the thank-you page.
    press_on(page, "Book a free consultation")
    expect(page.get_by_role("heading", name="Book a free consultation")).to_be_visible()
    expect(page.get_by_text("Times are shown in Europe/London")).to_be_visible()
    check(page)
    first_slot = page.locator("a.slot").first
    slot_text = first_slot.inner_text().split("\n")[0]
    press_on(page, slot_text)
    expect(page.get_by_role("heading", name="Your free consultation")).to_be_visible()
    check(page)
    tab_to(page, "Your name")
    page.keyboard.type("Rae Visitor")
    tab_to(page, "Email address")
    page.keyboard.type("rae@example.test")
    tab_to(page, "What brings you")
    page.keyboard.type("Sleep has been hard.")
    tab_to(page, "Book this time")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Thank you")).to_be_visible()
    check(page)
    appointment = Appointment.objects.get(kind=Kind.CONSULTATION)
    first_start = appointment.start
    manage = last_link(r"http://\S+/book/manage/\S+/")

    # Move it to another time.
    page.goto(base + manage.split("127.0.0.1:8000", 1)[1] if "127.0.0.1:8000" in manage else manage)
    expect(page.get_by_role("heading", name="Your free consultation")).to_be_visible()
    check(page)
    press_on(page, "Choose another time")
    expect(page.get_by_role("heading", name="Choose another time")).to_be_visible()
    check(page)
    later = page.locator("button.slot").nth(3).inner_text().split("\n")[0]
    tab_to(page, later)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.get_by_text("Your consultation has moved")).to_be_visible()
    appointment.refresh_from_db()
    assert appointment.start != first_start
    assert appointment.sequence == 1

    # Cancel it.
    press_on(page, "Cancel this consultation")
    check(page)
    press_on(page, "Yes, cancel it")
    expect(page.get_by_text("Your consultation is cancelled")).to_be_visible()
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.CANCELLED

    # Book again (a cancelled consultation does not use up the free one).
    press_on(page, "Book a new time")
    press_on(page, page.locator("a.slot").first.inner_text().split("\n")[0])
    tab_to(page, "Your name")
    page.keyboard.type("Rae Visitor")
    tab_to(page, "Email address")
    page.keyboard.type("rae@example.test")
    tab_to(page, "Book this time")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    booked = Appointment.objects.active().get(kind=Kind.CONSULTATION)

    # The therapist records a good fit, which sends the invitation.
    login(page, live_server, "ana@willow.test", PASSWORD)
    page.goto(f"{base}/calendar/appointments/{booked.uuid}/")
    expect(page.get_by_role("heading", name="Free consultation: Rae Visitor")).to_be_visible()
    check(page)
    press_on(page, "Record how the consultation went")
    tab_to(page, "Good fit")
    page.keyboard.press("Space")
    tab_to(page, "Save and send")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.get_by_text("an invitation to join as your client")).to_be_visible()
    invite = last_link(r"http://\S+/accounts/invitation/\S+")
    page.context.clear_cookies()

    # Rae accepts, and books their own first session.
    page.goto(base + invite.split("127.0.0.1:8000", 1)[1])
    tab_to(page, "Choose a password")
    page.keyboard.type("a-long-new-password-1")
    tab_to(page, "The same password again")
    page.keyboard.type("a-long-new-password-1")
    tab_to(page, "Set up my account")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.goto(base + "/sessions/")
    expect(page.get_by_role("heading", name="Your sessions")).to_be_visible()
    check(page)
    press_on(page, page.locator("a.slot").first.inner_text().split("\n")[0])
    expect(page.get_by_role("heading", name="Book this session")).to_be_visible()
    check(page)
    tab_to(page, "Book it")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.get_by_text("Your session is booked")).to_be_visible()
    check(page)
    session = Appointment.objects.get(kind=Kind.SESSION)
    assert session.client.user.email == "rae@example.test"
    assert session.therapist.user.email == "ana@willow.test"


def test_the_visitors_own_time_zone_is_detected_and_can_be_changed(_playwright_browser, live_server, practice):
    context = _playwright_browser.new_context(viewport={"width": 360, "height": 740}, timezone_id="America/New_York")
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/p/{practice.slug}/book/")
        expect(page.get_by_text("Times are shown in America/New_York")).to_be_visible()
        first_new_york = page.locator("a.slot").first.inner_text().split("\n")[0]
        page.get_by_label("Show times in").fill("Asia/Tokyo")  # a text box with suggestions (issue 20)
        with page.expect_navigation():
            page.get_by_role("button", name="Show", exact=True).click()
        expect(page.get_by_text("Times are shown in Asia/Tokyo")).to_be_visible()
        assert page.locator("a.slot").first.inner_text().split("\n")[0] != first_new_york
        # The choice sticks on the next visit.
        page.goto(f"{live_server.url}/p/{practice.slug}/book/")
        expect(page.get_by_text("Times are shown in Asia/Tokyo")).to_be_visible()
    finally:
        context.close()

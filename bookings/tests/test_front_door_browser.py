"""Issue 20 in a real browser, at 360 px and 1280 px: a visitor books from "whoever is first free" (one
list, each time saying who it is with), keyboard only, jumping from day to day; a refused form puts focus
on its error summary; a visitor with no time that suits asks instead and books the time offered. axe-core
finds nothing on any page."""

import re
from datetime import UTC, datetime, time, timedelta

import pytest
import time_machine
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from bookings.consultation_requests import consultation_offer
from bookings.models import Appointment, Consultation, WorkingHours
from bookings.tests.helpers import open_every_day
from bookings.tests.test_booking_browser import tab_to
from practice.models import StaffMember
from tending.testing.browser import assert_accessible, login
from tending.testing.factories import PracticeFactory, StaffFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Early on a Monday in London: with a day's notice, the first day listed holds all of both therapists' morning times.
# On the real clock, late each morning the first day held only Ana's times, and the test failed at that hour. What the
# travel sets that the browser keeps are its cookies: the session's lasts until the browser closes, and the CSRF
# token's carries a Max-Age, which the browser counts on its own clock. The booking is checked inside the travel.
MONDAY_EARLY = datetime(2031, 5, 5, 5, 0, tzinfo=UTC)

SIZES = [
    pytest.param({"width": 360, "height": 740}, id="phone"),
    pytest.param({"width": 1280, "height": 800}, id="desktop"),
]


def check(page):
    assert_accessible(page)
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"{page.url} scrolls sideways by {overflow}px"


def focused(page, script: str):
    return page.evaluate(f"() => {{ const e = document.activeElement; return {script}; }}")


def local_path(url: str) -> str:
    return "/" + url.split("://", 1)[1].split("/", 1)[1]


@pytest.fixture
def practice():
    practice = PracticeFactory(name="Willow Tree Therapy", slug="willow")
    ana = StaffFactory(practice=practice, is_owner=True, user=UserFactory(email="ana@willow.test", name="Ana Moreno"))
    ben = StaffFactory(practice=practice, user=UserFactory(email="ben@willow.test", name="Ben Okafor"))
    open_every_day(ana, start=time(9), end=time(12))
    open_every_day(ben, start=time(9, 15), end=time(12))
    return practice


@pytest.mark.parametrize("size", SIZES)
@time_machine.travel(MONDAY_EARLY, tick=True)
def test_a_visitor_books_from_the_first_free_list_by_keyboard_jumping_to_the_next_day(
    page, live_server, practice, size
):
    page.set_viewport_size(size)
    page.goto(live_server.url + "/p/willow/book/?tz=Europe/London")
    expect(page.get_by_role("heading", level=1, name="Book a free consultation")).to_be_visible()
    expect(page.get_by_text("Each time says who it is with.")).to_be_visible()
    days = page.get_by_role("navigation", name="Days with free times").get_by_role("link")
    expect(days).to_have_count(7)
    # One list: every time names its therapist, Ana's and Ben's in one time order.
    first_day = page.locator("section.slot-day").first
    names = first_day.locator(".slot__who").all_inner_texts()
    assert {n.strip() for n in names} == {"with Ana Moreno", "with Ben Okafor"}
    check(page)

    # Keyboard only: to the second day from the list of days, then past its times to the third.
    second_label = days.nth(1).inner_text().split("\n")[0].split(" (")[0].strip()
    days.nth(1).focus()
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    assert focused(page, "e.closest('section.slot-day').querySelector('h3').innerText") == second_label
    assert focused(page, "e.innerText") == "Skip to the next day"
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    third_label = days.nth(2).inner_text().split("\n")[0].split(" (")[0].strip()
    assert focused(page, "e.closest('section.slot-day').querySelector('h3').innerText") == third_label
    # A time with Ben, by keyboard.
    tab_to(page, "with Ben Okafor")
    chosen_clock = focused(page, "e.innerText").split("\n")[0][:5]
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Your free consultation")).to_be_visible()
    expect(page.get_by_text("with Ben Okafor")).to_be_visible()
    check(page)
    tab_to(page, "Your name")
    page.keyboard.type("Rae Visitor")
    tab_to(page, "Email address")
    page.keyboard.type("rae@example.test")
    tab_to(page, "Book this time")
    with page.expect_navigation():
        page.keyboard.press("Enter")

    # The thank-you page repeats what was asked.
    expect(page.get_by_role("heading", level=1, name="Thank you")).to_be_visible()
    facts = page.locator("dl.facts")
    expect(facts).to_contain_text("Ben Okafor")
    expect(facts).to_contain_text(f"{third_label}")
    expect(facts).to_contain_text(f"at {chosen_clock} (Europe/London)")
    expect(page.get_by_role("heading", name="What happens next")).to_be_visible()
    check(page)
    appointment = Appointment.objects.get()
    assert appointment.therapist.user.name == "Ben Okafor"


@pytest.mark.parametrize("size", SIZES)
def test_the_time_zone_picker_finds_a_zone_by_typing(page, live_server, practice, size):
    page.set_viewport_size(size)
    page.goto(live_server.url + "/p/willow/book/?tz=Europe/London")
    picker = page.get_by_label("Show times in")
    expect(picker).to_have_value("Europe/London")
    picker.focus()
    page.keyboard.type("tokyo")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.get_by_text("Times are shown in Asia/Tokyo.")).to_be_visible()
    expect(page.get_by_label("Show times in")).to_have_value("Asia/Tokyo")
    check(page)


@pytest.mark.parametrize("size", SIZES)
def test_a_refused_form_puts_focus_on_its_summary_which_leads_to_each_field(page, live_server, practice, size):
    page.set_viewport_size(size)
    page.goto(live_server.url + "/p/willow/book/?tz=Europe/London")
    page.locator("a.slot").first.click()
    page.get_by_label("Email address").fill("not an address")
    with page.expect_navigation():
        page.get_by_role("button", name="Book this time").click()
    assert page.title().startswith("There is a problem: Your details")
    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_focused()
    expect(summary.get_by_role("heading", name="There is a problem")).to_be_visible()
    expect(summary.get_by_role("link")).to_have_count(2)
    check(page)
    page.keyboard.press("Tab")
    expect(summary.get_by_role("link").first).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_label("Your name")).to_be_focused()
    # What was typed is still there.
    expect(page.get_by_label("Email address")).to_have_value("not an address")


@pytest.mark.parametrize("size", SIZES)
def test_with_no_free_time_a_visitor_asks_and_books_the_time_the_practice_offers(page, live_server, practice, size):
    page.set_viewport_size(size)
    WorkingHours.objects.filter(therapist__practice=practice).delete()
    page.goto(live_server.url + "/p/willow/book/?tz=Europe/London")
    expect(page.get_by_role("heading", name="No free times just now")).to_be_visible()
    check(page)
    page.get_by_role("link", name="Ask for a time that suits you").click()
    expect(page.get_by_role("heading", level=1, name="Ask for a time that suits you")).to_be_visible()
    check(page)
    page.get_by_label("Your name").fill("Rae Visitor")
    page.get_by_label("Email address").fill("rae@example.test")
    page.get_by_label("When are you usually free?").fill("Weekday mornings")
    page.get_by_label("By email").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Send my request").click()
    expect(page.get_by_role("heading", level=1, name="Thank you")).to_be_visible()
    expect(page.get_by_text("usually within two working days")).to_be_visible()
    check(page)

    # The practice offers a time; the visitor books it from the email.
    request = Consultation.objects.get(asked_without_time=True)
    ben = StaffMember.objects.get(user__name="Ben Okafor")
    start = (timezone.now() + timedelta(days=3)).replace(hour=10, minute=0, second=0, microsecond=0)
    consultation_offer(consultation=request, staff=ben, therapist=ben, start=start, mode="online")
    link = re.search(r"https?://\S+/book/offer/\S+/", mail.outbox[-1].body).group(0)
    page.goto(live_server.url + local_path(link))
    expect(page.get_by_role("heading", level=1, name="A time for your free consultation")).to_be_visible()
    expect(page.locator("dl.facts")).to_contain_text("Ben Okafor")
    check(page)
    with page.expect_navigation():
        page.get_by_role("button", name="Book this time").click()
    expect(page.get_by_role("heading", name="Your free consultation")).to_be_visible()
    appointment = Appointment.objects.get(consultation=request)
    assert appointment.therapist == ben and appointment.start == start


@pytest.mark.parametrize("size", SIZES)
def test_a_therapist_sees_the_waiting_request_and_offers_a_time(page, live_server, practice, size):
    page.set_viewport_size(size)
    Consultation.objects.create(
        practice=practice,
        name="Rae Visitor",
        email="rae@example.test",
        asked_without_time=True,
        usually_free="Weekday mornings",
        reach_by="email",
    )
    login(page, live_server, "ben@willow.test")
    page.goto(live_server.url + "/requests/")
    expect(page.get_by_role("heading", level=1, name="Consultation requests")).to_be_visible()
    expect(page.get_by_text("Weekday mornings")).to_be_visible()
    check(page)
    page.get_by_role("link", name="Offer a time to Rae Visitor").click()
    expect(page.get_by_role("heading", level=1, name="Offer a time to Rae Visitor")).to_be_visible()
    check(page)
    # Refused (no time given): focus on the summary, which leads to the field.
    with page.expect_navigation():
        page.get_by_role("button", name="Email this time").click()
    expect(page.locator("[data-error-summary]")).to_be_focused()
    assert page.title().startswith("There is a problem: ")
    check(page)
    when = (timezone.localdate() + timedelta(days=5)).isoformat()
    page.get_by_label("Date and time").fill(f"{when}T10:00")
    page.get_by_label("With").select_option(label="Ben Okafor")
    with page.expect_navigation():
        page.get_by_role("button", name="Email this time").click()
    expect(page.get_by_text("The time is offered.")).to_be_visible()
    expect(page.get_by_text("with Ben Okafor; not booked yet")).to_be_visible()
    check(page)
    assert "A time for your free consultation" in mail.outbox[-1].subject

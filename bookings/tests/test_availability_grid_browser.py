"""The weekly grid in a real browser, on a phone and a desktop, with a mouse and with the keyboard alone:
hours are added and removed in place, focus stays where the therapist is working, a clash is explained,
and axe-core finds nothing."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from bookings.models import DayOff, WorkingHours
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


def focused_id(page) -> str:
    return page.evaluate("document.activeElement && document.activeElement.id")


@pytest.mark.parametrize("size", SIZES)
def test_a_therapist_builds_a_week_of_hours_in_place_and_adds_a_holiday(page, live_server, size):
    page.set_viewport_size(size)
    world = build_world()
    login(page, live_server, world.therapist.user.email)
    page.goto(live_server.url + "/calendar/availability/")
    expect(page.get_by_role("heading", level=1, name="Your availability")).to_be_visible()
    expect(page.get_by_role("heading", level=3)).to_have_count(7)
    check(page)

    monday = page.get_by_role("region", name="Monday")
    monday.get_by_role("group", name="Add hours on Monday").get_by_label("From").fill("09:00")
    monday.get_by_label("Until").fill("12:30")
    url_before = page.url
    monday.get_by_role("button", name="Add hours on Monday").click()
    expect(monday.get_by_text("09:00 to 12:30", exact=True)).to_be_visible()
    assert page.url == url_before  # in place: no page load
    expect(page.locator("#hours-status")).to_contain_text(
        "Added Monday 09:00 to 12:30. Clients can book these times now"
    )
    expect(page.locator("#id_day0-start_time")).to_be_focused()

    # A clash is explained in the day, and nothing is saved.
    monday.get_by_label("From").fill("12:00")
    monday.get_by_label("Until").fill("14:00")
    monday.get_by_role("button", name="Add hours on Monday").click()
    expect(monday.get_by_text("This overlaps your hours of 09:00 to 12:30 on Monday")).to_be_visible()
    expect(monday.get_by_label("From")).to_have_value("12:00")
    check(page)

    # Removed in place; focus goes to the day, which now says it is free.
    monday.get_by_role("button", name="Remove Monday 09:00 to 12:30").click()
    expect(monday.get_by_text("Not working.")).to_be_visible()
    expect(page.locator("#day-0-heading")).to_be_focused()
    expect(page.locator("#hours-status")).to_contain_text("Removed Monday 09:00 to 12:30.")
    assert not WorkingHours.objects.filter(therapist=world.therapist).exists()

    # A holiday: a run of days off, listed with a button to remove each.
    first = timezone.localdate() + timedelta(days=20)
    page.get_by_label("First day").fill(first.isoformat())
    page.get_by_label("Last day (optional)").fill((first + timedelta(days=2)).isoformat())
    page.get_by_role("button", name="Add days off").click()
    expect(page.get_by_text("3 days off added. Clients cannot book those days from now on.")).to_be_visible()
    expect(page.get_by_role("button", name=f"Remove the day off on {first:%A} {first.day} {first:%B}")).to_be_visible()
    assert DayOff.objects.filter(therapist=world.therapist).count() == 3
    check(page)


def focused_name(page) -> str:
    return page.evaluate("document.activeElement.textContent.replace(/\\s+/g, ' ').trim()")


def tab_out_of(page, element_id: str) -> None:
    """Tab past a time field: Chromium tabs through its hour, minute (and any AM/PM) parts first."""
    for _ in range(4):
        page.keyboard.press("Tab")
        if focused_id(page) != element_id:
            return
    raise AssertionError(f"Tab never left {element_id}")


@pytest.mark.parametrize("size", SIZES)
def test_the_grid_works_by_keyboard_alone(page, live_server, size):
    page.set_viewport_size(size)
    world = build_world()
    login(page, live_server, world.therapist.user.email)
    page.goto(live_server.url + "/calendar/availability/")

    # Tab to Tuesday's "From": each field and button on the way has a name that says its day.
    for _ in range(200):
        page.keyboard.press("Tab")
        if focused_id(page) == "id_day1-start_time":
            break
    else:
        raise AssertionError("Tab never reached Tuesday's From")
    # Morning times, typed as a keyboard user does in either clock: the "A" sets AM where Chromium shows
    # a 12-hour field and is ignored where it shows a 24-hour one.
    page.keyboard.type("1000A")
    tab_out_of(page, "id_day1-start_time")
    assert focused_id(page) == "id_day1-end_time"
    page.keyboard.type("1130A")
    tab_out_of(page, "id_day1-end_time")
    assert focused_name(page) == "Add hours on Tuesday"
    page.keyboard.press("Enter")
    tuesday = page.get_by_role("region", name="Tuesday")
    expect(tuesday.get_by_text("10:00 to 11:30", exact=True)).to_be_visible()
    # Focus is back in "From", ready for another range; one step back is the new range's Remove.
    expect(page.locator("#id_day1-start_time")).to_be_focused()
    page.keyboard.press("Shift+Tab")
    assert focused_name(page) == "Remove Tuesday 10:00 to 11:30"
    page.keyboard.press("Enter")
    expect(tuesday.get_by_text("Not working.")).to_be_visible()
    expect(page.locator("#day-1-heading")).to_be_focused()
    assert not WorkingHours.objects.filter(therapist=world.therapist).exists()
    check(page)

"""The check-in on a 360-pixel phone and a desktop (issue 20): every 0-10 option is a target of at
least 44 pixels and says what its end means ("0, very low"); Enter on a chip toggles it and never
sends a half-finished check-in; the whole check-in can be done by keyboard, and its thanks is heard."""

import pytest
from playwright.sync_api import expect

from checkins.models import SCALES, CheckIn
from tending.testing.browser import assert_accessible, assert_no_horizontal_scroll, login
from tending.testing.personas import build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def focused(page) -> dict:
    return page.evaluate(
        "({name: document.activeElement.name || '', value: document.activeElement.value || '',"
        " checked: !!document.activeElement.checked, messages: document.activeElement.hasAttribute('data-messages')})"
    )


def open_checkin(page, live_server, width):
    world = build_world()
    page.set_viewport_size({"width": width, "height": 740})
    login(page, live_server, world.client_a.user.email)
    page.goto(live_server.url + "/checkin/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Check in")
    return world


@pytest.mark.parametrize("width", [360, 1280])
def test_every_scale_option_is_a_44_pixel_target_named_with_its_ends(page, live_server, width):
    open_checkin(page, live_server, width)
    mood = page.get_by_role("group", name="Mood")
    expect(mood.get_by_role("radio", name="0, very low", exact=True)).to_have_count(1)
    expect(mood.get_by_role("radio", name="10, very good", exact=True)).to_have_count(1)
    expect(mood.get_by_role("radio", name="5", exact=True)).to_have_count(1)
    kindness = page.get_by_role("group", name="How kind have I been to myself today?")
    expect(kindness.get_by_role("radio", name="0, not at all", exact=True)).to_have_count(1)
    expect(kindness.get_by_role("radio", name="10, very kind", exact=True)).to_have_count(1)

    options = page.locator(".scale__choice > span")
    assert options.count() == 11 * len(SCALES)
    tops = set()
    for i in range(options.count()):
        box = options.nth(i).bounding_box()
        assert box["width"] >= 44 and box["height"] >= 44, f"option {i} is {box['width']}x{box['height']}"
        if i < 11:
            tops.add(round(box["y"]))
    # Two rows on a phone (0-5, 6-10); one row where eleven fit.
    assert len(tops) == (2 if width == 360 else 1)
    chips = page.locator(".chip > span")
    for i in range(chips.count()):
        assert chips.nth(i).bounding_box()["height"] >= 44
    assert_accessible(page)
    assert_no_horizontal_scroll(page)


@pytest.mark.parametrize("width", [360, 1280])
def test_enter_on_a_chip_toggles_it_and_never_sends_the_check_in(page, live_server, width):
    world = open_checkin(page, live_server, width)
    calm = page.get_by_role("checkbox", name="Calm")
    calm.focus()
    page.keyboard.press("Enter")
    expect(calm).to_be_checked()
    page.keyboard.press("Enter")
    expect(calm).not_to_be_checked()
    page.keyboard.press("Enter")

    chest = page.get_by_role("checkbox", name="Chest")
    chest.focus()
    page.keyboard.press("Enter")
    expect(chest).to_be_checked()

    # Enter on a number chooses it, as Space does, and does not send either.
    page.get_by_role("group", name="Mood").get_by_role("radio", name="3", exact=True).focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("group", name="Mood").get_by_role("radio", name="3", exact=True)).to_be_checked()

    page.wait_for_timeout(300)  # a submit would have started by now
    assert page.url == live_server.url + "/checkin/"
    assert not CheckIn.objects.filter(client=world.client_a).exists()
    expect(calm).to_be_checked()
    assert focused(page)["name"] == "mood"


@pytest.mark.parametrize("width", [360, 1280])
def test_a_whole_check_in_by_keyboard_alone_and_its_thanks_is_heard(page, live_server, width):
    world = open_checkin(page, live_server, width)
    page.get_by_role("checkbox", name="Hopeful").focus()
    page.keyboard.press("Space")
    page.keyboard.press("Tab")
    while focused(page)["name"] == "feelings":
        page.keyboard.press("Tab")
    # The first scale (Mood): arrows move along it, Enter keeps the choice without sending.
    assert focused(page)["name"] == "mood"
    page.keyboard.press("Space")
    for _ in range(6):
        page.keyboard.press("ArrowRight")
    page.keyboard.press("Enter")
    assert focused(page) == {"name": "mood", "value": "6", "checked": True, "messages": False}
    assert_accessible(page)

    page.get_by_label("A short note (optional)").focus()
    page.keyboard.type("A better day")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")  # "Save my check-in"

    expect(page.get_by_role("status")).to_contain_text("Thank you for checking in.")
    page.wait_for_function("() => document.activeElement.hasAttribute('data-messages')")
    checkin = CheckIn.objects.get(client=world.client_a)
    assert (checkin.mood, checkin.feelings, checkin.note) == (6, ["hopeful"], "A better day")
    assert_accessible(page)

"""The client's header on a 360 x 740 phone and a desktop (issue 20): a few places and "More", at most a
quarter of the phone's screen, crisis help and the safety plan always in sight, and "More" usable by
keyboard, by tap and without JavaScript."""

import pytest
from playwright.sync_api import expect

from tending.testing.browser import assert_accessible, assert_no_horizontal_scroll, login
from tending.testing.personas import build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

IN_SIGHT = ("My space", "Check in", "Practices", "Messages", "My safety plan")
UNDER_MORE = ("Journal", "Self-care", "My journey", "Sessions", "My invoices", "My choices", "Account", "Sign out")


def header_height(page) -> float:
    return page.locator(".site-header").bounding_box()["height"]


def focused(page) -> str:
    """What has focus, as a person would name it."""
    return page.evaluate("(document.activeElement.innerText || document.activeElement.tagName).trim()")


def more_as_announced(page) -> tuple[str, bool]:
    """ "More" as Chromium tells a screen reader: its name and whether it is expanded (a <summary> carries
    aria-expanded natively, as a disclosure button)."""
    cdp = page.context.new_cdp_session(page)
    try:
        root = cdp.send("DOM.getDocument")["root"]["nodeId"]
        summary = cdp.send("DOM.querySelector", {"nodeId": root, "selector": ".nav-more summary"})["nodeId"]
        node = cdp.send("Accessibility.getPartialAXTree", {"nodeId": summary, "fetchRelatives": False})["nodes"][0]
    finally:
        cdp.detach()
    states = {item["name"]: item["value"].get("value") for item in node.get("properties", [])}
    assert node["role"]["value"] in ("DisclosureTriangle", "button"), node["role"]
    return node["name"]["value"], states.get("expanded")


def assert_targets_at_least_44px(page, locator) -> None:
    for i in range(locator.count()):
        box = locator.nth(i).bounding_box()
        assert box["height"] >= 44 and box["width"] >= 44, f"{locator.nth(i).inner_text()!r} is {box}"


@pytest.mark.parametrize("width,height", [(360, 740), (1280, 800)])
def test_the_client_sees_a_short_header_with_crisis_help_and_the_rest_under_more(page, live_server, width, height):
    world = build_world()
    page.set_viewport_size({"width": width, "height": height})
    login(page, live_server, world.client_a.user.email)
    nav = page.get_by_role("navigation", name="Main")

    assert header_height(page) <= 740 / 4, f"the header is {header_height(page)}px tall"
    expect(page.get_by_role("link", name="Need urgent help?")).to_be_visible()
    for name in IN_SIGHT:
        expect(nav.get_by_role("link", name=name, exact=True)).to_be_visible()
    for name in UNDER_MORE:
        expect(nav.get_by_role("link", name=name, exact=True)).to_be_hidden()
    expect(nav.get_by_role("link", name="My space")).to_have_attribute("aria-current", "page")
    assert_targets_at_least_44px(page, page.locator(".site-nav__main > li > a, .nav-more summary, .urgent-help"))
    assert_accessible(page)
    assert_no_horizontal_scroll(page)

    # A tap on "More" shows the rest; a tap elsewhere closes it again.
    nav.get_by_text("More", exact=True).click()
    for name in UNDER_MORE:
        expect(nav.get_by_role("link", name=name, exact=True)).to_be_visible()
    assert_targets_at_least_44px(page, page.locator(".nav-more__list a"))
    assert_accessible(page)
    assert_no_horizontal_scroll(page)
    page.mouse.click(4, page.viewport_size["height"] - 4)  # beside the open list, never under it
    expect(nav.get_by_role("link", name="Journal")).to_be_hidden()

    # One tap from "More" to a page, and the header is just as short there.
    nav.get_by_text("More", exact=True).click()
    nav.get_by_role("link", name="Self-care").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My self-care plan")
    assert header_height(page) <= 740 / 4
    expect(page.get_by_role("link", name="Need urgent help?")).to_be_visible()


@pytest.mark.parametrize("width", [360, 1280])
def test_more_opens_and_closes_from_the_keyboard_and_escape_returns_focus(page, live_server, width):
    world = build_world()
    page.set_viewport_size({"width": width, "height": 740})
    login(page, live_server, world.client_a.user.email)
    nav = page.get_by_role("navigation", name="Main")
    more = page.locator(".nav-more")
    page.goto(live_server.url + "/me/")  # without "Successfully signed in", which takes focus (js/messages.js)

    # Tab from the top of the page: skip link, practice name, urgent help, the places in sight, More.
    order = []
    for _ in range(4 + len(IN_SIGHT)):
        page.keyboard.press("Tab")
        order.append(focused(page))
    # Crisis help comes before the places.
    assert order == ["Skip to main content", "Willow Tree Therapy", "Need urgent help?", *IN_SIGHT, "More"]

    page.keyboard.press("Enter")
    expect(more).to_have_attribute("open", "")
    assert more_as_announced(page) == ("More", True)
    page.keyboard.press("Tab")
    assert focused(page) == "Journal"
    expect(nav.get_by_role("link", name="Journal")).to_be_visible()
    page.keyboard.press("Escape")
    expect(more).not_to_have_attribute("open", "")
    assert focused(page) == "More"
    assert more_as_announced(page) == ("More", False)
    expect(nav.get_by_role("link", name="Journal")).to_be_hidden()

    # Space opens it too; Escape from "More" itself closes it and leaves focus there.
    page.keyboard.press("Space")
    expect(more).to_have_attribute("open", "")
    page.keyboard.press("Escape")
    expect(more).not_to_have_attribute("open", "")
    assert focused(page) == "More"

    # Tabbing past the last link closes the list, so it never covers what comes next.
    page.keyboard.press("Enter")
    for _ in UNDER_MORE:
        page.keyboard.press("Tab")
    assert focused(page) == "Sign out"
    page.keyboard.press("Tab")
    expect(more).not_to_have_attribute("open", "")

    # And Enter on a link goes there.
    page.locator(".nav-more summary").focus()
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("My journal")


def test_more_works_without_javascript(_playwright_browser, live_server):
    world = build_world()
    context = _playwright_browser.new_context(
        viewport={"width": 360, "height": 740}, java_script_enabled=False, locale="en-GB"
    )
    try:
        page = context.new_page()
        login(page, live_server, world.client_a.user.email)
        nav = page.get_by_role("navigation", name="Main")
        assert header_height(page) <= 740 / 4
        expect(nav.get_by_role("link", name="Sessions")).to_be_hidden()
        nav.get_by_text("More", exact=True).click()
        nav.get_by_role("link", name="Sessions").click()
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        assert page.url.endswith("/sessions/") or "session" in page.url
    finally:
        context.close()


def test_a_long_practice_name_still_leaves_three_quarters_of_the_phone(page, live_server):
    world = build_world()
    world.practice.name = "The Willow Tree Compassion-Focused Therapy Centre"
    world.practice.save(update_fields=["name"])
    login(page, live_server, world.client_a.user.email)
    assert header_height(page) <= 740 / 4, f"the header is {header_height(page)}px tall"
    expect(page.get_by_role("link", name="Need urgent help?")).to_be_visible()
    assert_no_horizontal_scroll(page)

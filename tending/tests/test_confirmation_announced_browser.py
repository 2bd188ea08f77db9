"""After a full-page save, the confirmation is announced (issue 20, WCAG 4.1.3): the page comes back
with focus on its message (js/messages.js), so a screen reader reads it and the keyboard carries on
from there; a page without a message keeps focus where the browser puts it."""

import pytest
from playwright.sync_api import expect

from selfcare.models import Activity
from tending.testing.browser import assert_accessible, assert_no_horizontal_scroll, login
from tending.testing.personas import build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def focus(page) -> str:
    return page.evaluate(
        "document.activeElement === document.body ? 'the page' :"
        " document.activeElement.hasAttribute('data-messages') ? 'the confirmation: ' + document.activeElement.innerText.trim()"
        " : document.activeElement.innerText.trim()"
    )


@pytest.mark.parametrize("width", [360, 1280])
def test_adding_to_the_self_care_plan_by_keyboard_announces_added(page, live_server, width):
    world = build_world()
    page.set_viewport_size({"width": width, "height": 740})
    login(page, live_server, world.client_a.user.email)
    page.goto(live_server.url + "/self-care/")
    assert focus(page) == "the page"  # no message: nothing moves

    page.get_by_label("Something that nurtures you").focus()
    page.keyboard.type("Sit in the garden")
    page.get_by_role("button", name="Add to my plan").focus()
    page.keyboard.press("Enter")

    expect(page.locator("[data-messages]")).to_contain_text("Added to your plan.")
    page.wait_for_function("() => document.activeElement.hasAttribute('data-messages')")
    assert focus(page) == "the confirmation: Added to your plan."
    assert page.locator("[data-messages]").get_attribute("role") == "status"
    box = page.locator("[data-messages]").bounding_box()
    assert 0 <= box["y"] and box["y"] + box["height"] <= 740, "the confirmation is off screen"
    assert Activity.objects.filter(client=world.client_a, text="Sit in the garden").exists()
    assert_accessible(page)
    assert_no_horizontal_scroll(page)

    # The keyboard carries on from the message into the page, not from the top of the header.
    page.keyboard.press("Tab")
    assert page.evaluate("document.querySelector('main').contains(document.activeElement)")

    # The message is shown once; on the next visit nothing takes focus.
    page.reload()
    expect(page.locator("[data-messages]")).to_have_count(0)
    assert focus(page) == "the page"

"""A client chooses her pronouns and signs out, by keyboard alone, on a phone and a desktop."""

import pytest

from tending.testing.browser import assert_accessible, assert_no_horizontal_scroll, login
from tending.testing.personas import build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SIZES = [{"width": 360, "height": 740}, {"width": 1280, "height": 800}]


@pytest.mark.parametrize("size", SIZES, ids=["phone", "desktop"])
def test_a_client_chooses_she_her_and_signs_out_by_keyboard(page, live_server, size):
    world = build_world()
    page.set_viewport_size(size)
    login(page, live_server, world.client_a.user.email)
    page.goto(live_server.url + "/accounts/settings/")
    assert_accessible(page)
    assert_no_horizontal_scroll(page)
    page.get_by_role("radio", name="Just use my name").focus()
    page.keyboard.press("ArrowDown")  # radios move with the arrow keys: she/her
    assert page.get_by_role("radio", name="she/her").is_checked()
    page.get_by_role("button", name="Save").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.get_by_text("Saved. We'll refer to you that way from now on.").is_visible()
    assert page.get_by_role("radio", name="she/her").is_checked()
    world.client_a.user.refresh_from_db()
    assert world.client_a.user.pronouns == "she"

    page.goto(live_server.url + "/accounts/logout/")
    assert page.get_by_role("heading", level=1).inner_text() == "Sign out"
    assert page.title().startswith("Sign out")
    assert "Sign Out" not in page.content()
    assert_accessible(page)
    assert_no_horizontal_scroll(page)
    page.get_by_role("button", name="Sign out").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.goto(live_server.url + "/me/")
    assert "/accounts/login/" in page.url

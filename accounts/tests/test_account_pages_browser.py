"""Sign-in, two-factor set-up and account pages work by keyboard and pass axe on a phone."""

import pytest
from playwright.sync_api import expect

from tending.testing.browser import assert_accessible, assert_no_horizontal_scroll, login
from tending.testing.factories import PASSWORD
from tending.testing.personas import build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_client_signs_in_using_only_the_keyboard(page, live_server):
    build_world()
    page.goto(f"{live_server.url}/accounts/login/")
    page.keyboard.press("Tab")  # the skip link comes first
    assert page.evaluate("document.activeElement.textContent").strip() == "Skip to main content"
    page.get_by_label("Email").focus()
    page.keyboard.type("cara@willow.test")
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url("**/me/")
    assert page.get_by_role("heading", level=1).inner_text().startswith("Hello")


def test_a_wrong_password_is_explained_and_the_email_kept(page, live_server):
    build_world()
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Email").fill("cara@willow.test")
    page.get_by_label("Password").fill("not-my-password")
    page.get_by_role("button", name="Sign in").click()
    assert page.get_by_label("Email").input_value() == "cara@willow.test"
    assert "not correct" in page.locator("main").inner_text()
    assert_accessible(page)


def test_account_and_two_factor_pages_are_accessible(page, live_server):
    world = build_world()
    login(page, live_server, world.therapist.user.email)
    for path in ("/accounts/2fa/", "/accounts/password/change/", "/accounts/email/", "/accounts/logout/"):
        page.goto(live_server.url + path)
        expect(page.locator("h1"), path).to_have_count(1)
        assert_accessible(page)
        assert_no_horizontal_scroll(page)
    page.goto(live_server.url + "/accounts/2fa/totp/activate/")
    if "reauthenticate" in page.url:
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button").last.click()
        page.wait_for_url("**/totp/activate/")
    expect(page.locator("h1")).to_have_count(1)
    assert_accessible(page)
    assert_no_horizontal_scroll(page)

"""The first-run page and the owner's welcome link in Chromium: keyboard only, axe-clean, 360 px and 1280 px."""

import re

import pytest

from outbox.models import Email
from practice.first_run import setup_code
from practice.models import Practice
from tending.testing.browser import assert_accessible, assert_no_horizontal_scroll

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DESKTOP = {"width": 1280, "height": 900}


def tab_to(page, label: str, limit: int = 40) -> None:
    """Press Tab until the field labelled ``label`` has focus."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("(document.activeElement.labels?.[0]?.textContent || '').trim().replace(/:$/, '')") == label:
            return
    raise AssertionError(f"Tab never reached {label!r}")


@pytest.mark.parametrize("viewport", [None, DESKTOP], ids=["360px", "1280px"])
def test_a_wrong_code_is_summarised_at_the_top_and_the_right_one_starts_the_practice(page, live_server, viewport):
    if viewport:
        page.set_viewport_size(viewport)
    page.goto(live_server.url + "/")
    assert page.url.endswith("/first-run/")
    assert page.get_by_role("heading", level=1).inner_text() == "Start your practice on Tending"
    assert_accessible(page)
    assert_no_horizontal_scroll(page)

    tab_to(page, "Set-up code")
    page.keyboard.type("WRONG-CODES")
    tab_to(page, "The practice's name")
    page.keyboard.type("Calm Waters")
    tab_to(page, "Your name")
    page.keyboard.type("Rosa Reyes")
    tab_to(page, "Your email address")
    page.keyboard.type("rosa@calmwaters.test")
    with page.expect_navigation():
        page.keyboard.press("Enter")

    assert page.title().startswith("There is a problem")
    summary = page.locator("[data-error-summary]")
    assert "This is not the set-up code" in summary.inner_text()
    page.wait_for_function("() => document.activeElement && document.activeElement.hasAttribute('data-error-summary')")
    assert page.get_by_label("The practice's name").input_value() == "Calm Waters"
    assert_accessible(page)
    assert not Practice.objects.exists()

    page.get_by_label("Set-up code").fill(setup_code())
    with page.expect_navigation():
        page.get_by_label("Set-up code").press("Enter")
    assert page.get_by_role("heading", level=1).inner_text() == "Calm Waters is ready"
    assert_accessible(page)
    assert Practice.objects.get().name == "Calm Waters"

    body = Email.objects.get().body
    link = re.search(r"https?://[^/\s]+(/start/\S+/)", body).group(1)
    page.goto(live_server.url + link)
    assert page.get_by_role("heading", level=1).inner_text() == "Welcome to Calm Waters"
    assert_accessible(page)
    tab_to(page, "Choose a password")
    page.keyboard.type("quiet river morning tea")
    tab_to(page, "The same password again")
    page.keyboard.type("quiet river morning tea")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.get_by_text("Getting Calm Waters ready").is_visible()
    assert page.get_by_role("link", name="Confirm the crisis contacts").is_visible()
    assert_accessible(page)

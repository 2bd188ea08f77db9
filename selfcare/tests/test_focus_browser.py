"""Self-care "Done" and "Take back" by keyboard on a 360-pixel phone and a desktop (issue 20): when htmx
swaps the activity, focus lands on the button the person wants next and is never dropped to the page;
without JavaScript the full-page answer's confirmation takes focus instead."""

import pytest
from playwright.sync_api import expect

from selfcare.models import Tick
from selfcare.services import activity_add
from tending.testing.browser import assert_accessible, assert_no_horizontal_scroll, login
from tending.testing.personas import build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TEXT = "A walk by the river"


def focused(page) -> str:
    return page.evaluate(
        "document.activeElement === document.body ? 'the page' :"
        " document.activeElement.hasAttribute('data-messages') ? 'the confirmation' : document.activeElement.textContent.replace(/\\s+/g, ' ').trim()"
    )


def described_by(page) -> str:
    return page.evaluate(
        "(() => { const id = document.activeElement.getAttribute('aria-describedby');"
        " return id ? document.getElementById(id).innerText.trim() : ''; })()"
    )


def open_plan(page, live_server, width):
    world = build_world()
    activity = activity_add(client=world.client_a, area="body", text=TEXT, rhythm="few_a_week")
    activity_add(client=world.client_a, area="soul", text="Call my sister", rhythm="weekly")
    page.set_viewport_size({"width": width, "height": 740})
    login(page, live_server, world.client_a.user.email)
    page.goto(live_server.url + "/self-care/")
    expect(page.get_by_role("heading", level=1)).to_have_text("My self-care plan")
    return activity


@pytest.mark.parametrize("width", [360, 1280])
def test_done_then_take_back_by_keyboard_keeps_focus_on_the_next_button(page, live_server, width):
    activity = open_plan(page, live_server, width)
    expect(page.locator("button", has_text=f"Done: {TEXT}")).to_be_visible()
    take_back = page.locator("button", has_text=f"Take back the tick for {TEXT}")
    expect(take_back).to_have_count(0)

    # Keyboard only: Tab from the top of the page to this activity's "Done".
    for _ in range(30):
        page.keyboard.press("Tab")
        if focused(page) == f"Done: {TEXT}":
            break
    assert focused(page) == f"Done: {TEXT}"
    page.keyboard.press("Enter")
    expect(take_back).to_be_visible()
    page.wait_for_function("() => document.activeElement.textContent.trim().startsWith('Take back')")
    assert focused(page) == f"Take back the tick for {TEXT}"
    assert described_by(page).startswith(f"Noted: you made time for “{TEXT}”.")
    assert Tick.objects.filter(activity=activity).count() == 1
    assert_accessible(page)
    assert_no_horizontal_scroll(page)

    page.keyboard.press("Enter")
    expect(take_back).to_have_count(0)
    page.wait_for_function("() => document.activeElement.textContent.trim().startsWith('Done')")
    assert focused(page) == f"Done: {TEXT}"
    assert described_by(page) == "Taken back."
    assert not Tick.objects.filter(activity=activity).exists()

    # Done again, and the other activity is untouched: its own "Done" is still there, unfocused.
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.activeElement.textContent.trim().startsWith('Take back')")
    expect(page.locator("button", has_text="Done: Call my sister")).to_be_visible()
    assert_accessible(page)


def test_without_javascript_the_confirmation_is_on_screen_after_the_full_page_answer(_playwright_browser, live_server):
    build = build_world()
    activity_add(client=build.client_a, area="body", text=TEXT, rhythm="few_a_week")
    context = _playwright_browser.new_context(viewport={"width": 360, "height": 740}, java_script_enabled=False)
    try:
        page = context.new_page()
        login(page, live_server, build.client_a.user.email)
        page.goto(live_server.url + "/self-care/")
        page.locator("button", has_text=f"Done: {TEXT}").click()
        expect(page.get_by_role("status").first).to_contain_text(f"Noted: you made time for “{TEXT}”.")
        expect(page.locator("button", has_text=f"Take back the tick for {TEXT}")).to_be_visible()
    finally:
        context.close()

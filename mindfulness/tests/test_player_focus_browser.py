"""The guided player by keyboard on a 360-pixel phone and a desktop (issue 20): focus is never dropped
to the page when the focused button goes (the practice ends on its own, or "Next step" on the last
step), and on a phone the step being read is on screen."""

import pytest
from playwright.sync_api import expect

from mindfulness.content import BY_SLUG
from tending.testing.browser import assert_accessible, assert_no_horizontal_scroll, login
from tending.testing.personas import build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SLUG = "self-compassion-break"
STEPS = BY_SLUG[SLUG].short


def focused(page) -> str:
    return page.evaluate(
        "document.activeElement === document.body ? 'the page' :"
        " document.activeElement.hasAttribute('data-status') ? 'the status' : document.activeElement.innerText.trim()"
    )


def status_on_screen(page) -> bool:
    return page.evaluate(
        "(() => { const r = document.querySelector('[data-status]').getBoundingClientRect();"
        " return r.height > 0 && r.top >= 0 && r.bottom <= window.innerHeight; })()"
    )


def open_player(page, live_server, width):
    world = build_world()
    page.set_viewport_size({"width": width, "height": 740})
    page.clock.install()
    login(page, live_server, world.client_a.user.email)
    page.goto(f"{live_server.url}/practices/play/{SLUG}/")
    expect(page.locator("[data-player]")).to_have_attribute("data-state", "ready")


@pytest.mark.parametrize("width", [360, 1280])
def test_when_a_practice_ends_on_its_own_focus_goes_to_its_closing_words(page, live_server, width):
    open_player(page, live_server, width)
    status = page.locator("[data-status]")

    # Keyboard only: Tab to "Begin", Enter.
    for _ in range(40):
        page.keyboard.press("Tab")
        if focused(page) == "Begin":
            break
    assert focused(page) == "Begin"
    page.keyboard.press("Enter")
    expect(status).to_contain_text(f"Step 1 of {len(STEPS)}")
    assert focused(page) == "Pause"
    assert status_on_screen(page), "the step being read is below the fold"
    assert page.get_by_role("button", name="Pause").bounding_box()["y"] >= 0
    assert_accessible(page)
    assert_no_horizontal_scroll(page)

    page.clock.run_for(int(STEPS[0].seconds * 1000) + 500)
    expect(status).to_contain_text(f"Step 2 of {len(STEPS)}")
    assert status_on_screen(page)
    assert focused(page) == "Pause"

    page.clock.run_for(sum(step.seconds for step in STEPS) * 1000)
    expect(page.locator("[data-player]")).to_have_attribute("data-state", "finished")
    expect(status).to_contain_text("Finished. Whatever happened, you gave yourself this time.")
    page.wait_for_function("() => document.activeElement.hasAttribute('data-status')")
    assert focused(page) == "the status"
    assert status_on_screen(page)
    page.keyboard.press("Tab")
    assert focused(page) == "Note how you feel, if you like"
    assert_accessible(page)


@pytest.mark.parametrize("width", [360, 1280])
def test_next_step_on_the_last_step_and_finish_now_keep_focus(page, live_server, width):
    open_player(page, live_server, width)
    status = page.locator("[data-status]")
    page.get_by_role("button", name="Begin").focus()
    page.keyboard.press("Enter")

    next_step = page.get_by_role("button", name="Next step")
    next_step.focus()
    for number in range(2, len(STEPS) + 1):
        page.keyboard.press("Enter")
        expect(status).to_contain_text(f"Step {number} of {len(STEPS)}")
        assert focused(page) == "Next step"
        assert status_on_screen(page), f"step {number} is off screen"
    page.keyboard.press("Enter")  # on the last step: the practice ends and "Next step" goes
    expect(next_step).to_be_hidden()
    page.wait_for_function("() => document.activeElement.hasAttribute('data-status')")
    expect(status).to_contain_text("Finished.")

    # "Finish now" hands focus to "Begin again", in its place.
    page.get_by_role("button", name="Begin again").focus()
    page.keyboard.press("Enter")
    page.get_by_role("button", name="Finish now").focus()
    page.keyboard.press("Enter")
    expect(status).to_contain_text("Finished for now.")
    assert focused(page) == "Begin again"
    assert_accessible(page)


def test_a_practice_played_with_the_mouse_leaves_focus_alone(page, live_server):
    """Focus moves only when it would otherwise be lost: a person reading elsewhere keeps their place."""
    open_player(page, live_server, 360)
    page.get_by_role("button", name="Begin").click()
    page.get_by_text("Less movement on screen").click()  # focus on a control that stays
    page.clock.run_for(sum(step.seconds for step in STEPS) * 1000 + 1000)
    expect(page.locator("[data-player]")).to_have_attribute("data-state", "finished")
    assert page.evaluate("document.activeElement.dataset.option") == "still"

"""A client writes a safety plan in a real browser, reaches it in two taps, prints it, and opens it offline."""

import pytest

from tending.testing.browser import assert_accessible, assert_no_horizontal_scroll, login
from tending.testing.personas import build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_client_writes_their_plan_finds_it_in_two_taps_prints_it_and_opens_it_offline(page, live_server):
    world = build_world()
    login(page, live_server, world.client_a.user.email)

    # From their home, one tap on "My safety plan", one on "Start my plan".
    page.get_by_role("navigation", name="Main").get_by_role("link", name="My safety plan").click()
    page.get_by_role("link", name="Start my plan").click()
    page.get_by_label("1. Warning signs").fill("Lying awake replaying the day")
    page.get_by_label("4. People I can ask for help").fill("My sister Jo 07700 900123")
    page.get_by_label("My reasons for living").fill("My niece")
    page.get_by_role("button", name="Save my plan").click()

    assert page.get_by_role("heading", name="My safety plan", level=1).is_visible()
    assert page.get_by_text("Your safety plan is saved.").is_visible()
    assert page.get_by_role("link", name="07700 900123").get_attribute("href") == "tel:07700900123"
    assert_accessible(page)
    assert_no_horizontal_scroll(page)

    # Two taps from any other client page: the crisis page, say.
    page.goto(live_server.url + "/crisis/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="My safety plan").click()
    assert page.get_by_text("Lying awake replaying the day").is_visible()

    # Printable: the Print button appears with JavaScript; on paper the header and buttons go.
    assert page.get_by_role("button", name="Print").is_visible()
    page.emulate_media(media="print")
    assert not page.locator(".site-header").is_visible()
    assert not page.get_by_role("button", name="Print").is_visible()
    assert page.get_by_text("My niece").is_visible()
    assert page.pdf()[:4] == b"%PDF"
    page.emulate_media(media="screen")

    # Kept on the phone: once the worker has it, the plan opens with no connection.
    page.reload()
    page.wait_for_function(
        "caches.open('tending-private').then(c => c.match('/safety-plan/')).then(r => !!r)", timeout=15_000
    )
    page.context.set_offline(True)
    try:
        page.goto(live_server.url + "/safety-plan/")
        assert page.get_by_text("Lying awake replaying the day").is_visible()
    finally:
        page.context.set_offline(False)

    # Signing out removes the copy from the phone.
    page.goto(live_server.url + "/accounts/logout/")
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_load_state("domcontentloaded")
    assert page.evaluate("caches.keys().then(keys => keys.includes('tending-private'))") is False

"""Every page of an ended client's space passes axe-core (WCAG 2.2 A/AA) on a 360-pixel phone, as she sees it
(the accessibility scan's pages, for Fern, the "ended" persona)."""

import pytest
from playwright.sync_api import expect

from tending.testing.browser import assert_accessible, assert_no_horizontal_scroll, login
from tending.testing.matrix import ENDED, all_routes
from tending.testing.personas import add_ended_persona, build_world
from tending.tests.test_accessibility import pages_for

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_every_page_of_the_ended_clients_space_is_accessible(page, live_server):
    world = add_ended_persona(build_world())
    prepared = {route.name: route.setup(world) if route.setup else None for route in all_routes()}
    login(page, live_server, world.user(ENDED).email)
    checked = []
    for name, url in pages_for(world, prepared, ENDED):
        response = page.goto(live_server.url + url)
        assert response.status == 200, f"{name} answered {response.status}"
        expect(page.locator("h1"), f"{name} should have exactly one <h1>").to_have_count(1)
        assert_accessible(page)
        assert_no_horizontal_scroll(page)
        checked.append(name)
        # The crisis contacts one tap away on every page of her space.
        if not name.startswith(("account", "bookings:practice", "bookings:consult", "bookings:manage")):
            assert page.locator('a[href="/crisis/"]').count() >= 1, f"{name} has no crisis link"
    for name in ("ending:mine", "ending:come_back", "bookings:mine", "dataprivacy:mine", "messaging:mine"):
        assert name in checked, name

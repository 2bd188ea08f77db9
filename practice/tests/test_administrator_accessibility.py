"""Every page the practice administrator can reach passes axe-core on a phone, has one <h1>, and does not
scroll sideways: the scan of tending/tests/test_accessibility.py, for the persona it does not list."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tending.testing.browser import assert_accessible, assert_no_horizontal_scroll, login
from tending.testing.matrix import ADMINISTRATOR, OK, all_routes
from tending.testing.personas import add_administrator_persona, build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_every_page_the_administrator_reaches_is_accessible(page, live_server):
    world = add_administrator_persona(build_world())
    routes = all_routes()
    prepared = {route.name: route.setup(world) if route.setup else None for route in routes}
    login(page, live_server, world.administrator.user.email)
    checked = []
    for route in routes:
        if route.not_a_page or "GET" not in route.methods or route.expected(ADMINISTRATOR) != OK:
            continue
        kwargs = route.kwargs(world, prepared[route.name]) if route.kwargs else {}
        url = reverse(route.name, kwargs=kwargs) + (f"?{route.query}" if route.query else "")
        response = page.goto(live_server.url + url)
        assert response.status == 200, f"{route.name} answered {response.status}"
        expect(page.locator("h1"), f"{route.name} should have exactly one <h1>").to_have_count(1)
        assert_accessible(page)
        assert_no_horizontal_scroll(page)
        checked.append(route.name)
    assert {"bookings:office", "bookings:office_appointment", "money:overview", "money:client"} <= set(checked)

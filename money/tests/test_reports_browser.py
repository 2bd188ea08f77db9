"""The reports page, with figures in every table, passes axe-core on a phone, has one <h1>, and does not
scroll sideways (the whole-site scan sees it with the route's small set-up only)."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from money.tests.routes_reports import _books
from money.tests.test_reports import invoice_days_ago, pay
from tending.testing.browser import assert_accessible, assert_no_horizontal_scroll, login
from tending.testing.personas import build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_reports_page_with_figures_is_accessible(page, live_server):
    world = build_world()
    _books(world)
    today = world.owner.today()
    for days in (5, 45, 75):
        invoice_days_ago(world.client_c, days)
    pay(world.client_c, 2000, "online", on=today)
    pay(world.client_c, 500, "online", on=today, refund=True)
    login(page, live_server, world.owner.user.email)
    for query in ("", f"?year={today.year}", "?month=2026-13"):
        response = page.goto(live_server.url + reverse("money:reports") + query)
        assert response.status == 200
        expect(page.locator("h1")).to_have_count(1)
        assert_accessible(page)
        assert_no_horizontal_scroll(page)
    assert page.get_by_text("Here is this month instead.").count() == 1

"""Every page each persona can reach passes axe-core (WCAG 2.2 A/AA) on a 360-pixel phone,
has one <h1>, and does not scroll sideways."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from bookings.manage_links import manage_signature
from bookings.models import Appointment, Consultation, Kind
from tending.testing.browser import assert_accessible, assert_no_horizontal_scroll, login
from tending.testing.matrix import OK, all_routes
from tending.testing.personas import build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCANNED = ("anonymous", "client_a", "therapist", "owner")


def pages_for(world, prepared, persona):
    for route in all_routes():
        if route.not_a_page or "GET" not in route.methods or route.expected(persona) != OK:
            continue
        kwargs = route.kwargs(world, prepared[route.name]) if route.kwargs else {}
        yield route.name, reverse(route.name, kwargs=kwargs) + (f"?{route.query}" if route.query else "")


@pytest.mark.parametrize("persona", SCANNED)
def test_every_reachable_page_is_accessible(page, live_server, persona):
    world = build_world()
    prepared = {route.name: route.setup(world) if route.setup else None for route in all_routes()}
    if persona != "anonymous":
        login(page, live_server, world.user(persona).email)
    checked = []
    for name, url in pages_for(world, prepared, persona):
        response = page.goto(live_server.url + url)
        assert response.status == 200, f"{name} answered {response.status}"
        expect(page.locator("h1"), f"{name} should have exactly one <h1>").to_have_count(1)
        assert_accessible(page)
        assert_no_horizontal_scroll(page)
        checked.append(name)
    assert checked, f"no pages were scanned for {persona}"


def test_public_pages_in_the_login_flow_are_accessible(page, live_server):
    for url in ("/accounts/login/", "/accounts/password/reset/"):
        page.goto(live_server.url + url)
        expect(page.locator("h1")).to_have_count(1)
        assert_accessible(page)
        assert_no_horizontal_scroll(page)


def test_pages_shown_after_an_action_are_accessible(page, live_server):
    """Pages no GET route reaches: a manage link that has done its job, and the feed link shown once."""

    world = build_world()
    consultation = Consultation.objects.create(practice=world.practice, name="Rae", email="rae@example.test")
    start = timezone.now() - timedelta(days=3)
    Appointment.objects.create(
        practice=world.practice,
        therapist=world.therapist,
        consultation=consultation,
        kind=Kind.CONSULTATION,
        start=start,
        end=start + timedelta(minutes=20),
        blocked_until=start + timedelta(minutes=30),
    )
    response = page.goto(
        live_server.url + reverse("bookings:manage", kwargs={"signed": manage_signature(consultation)})
    )
    assert response.status == 410
    expect(page.locator("h1")).to_have_count(1)
    assert_accessible(page)
    assert_no_horizontal_scroll(page)

    login(page, live_server, world.therapist.user.email)
    page.goto(live_server.url + reverse("bookings:feed"))
    page.get_by_role("button", name=re.compile("Make a new link|Switch the feed on")).click()
    page.wait_for_load_state("domcontentloaded")
    assert page.get_by_text("this is the only time").count() >= 1
    expect(page.locator("h1")).to_have_count(1)
    assert_accessible(page)
    assert_no_horizontal_scroll(page)

"""A client cancels a session in a real browser, on a phone and a desktop: the page asks first and says what
will happen (who is told, any late-cancellation fee), and her therapist finds it on their home. axe-core
finds nothing on the way."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from bookings.models import Appointment, Kind
from bookings.tests.helpers import open_every_day
from money.models import BillingSettings
from tending.testing.browser import assert_accessible, assert_no_horizontal_scroll, login
from tending.testing.personas import build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SIZES = [
    pytest.param({"width": 360, "height": 740}, id="phone"),
    pytest.param({"width": 1280, "height": 900}, id="desktop"),
]


def check(page):
    assert_accessible(page)
    assert_no_horizontal_scroll(page)


@pytest.mark.parametrize("size", SIZES)
def test_a_client_cancels_after_confirming_and_her_therapist_is_told(page, live_server, size):
    page.set_viewport_size(size)
    world = build_world()
    open_every_day(world.therapist)
    billing = BillingSettings.for_practice(world.practice)
    billing.late_cancel_enabled, billing.late_cancel_fee, billing.late_cancel_hours = True, 3000, 48
    billing.save()
    # Five and a half days away at any hour of the day the suite runs: the page says "more than 5 days".
    start = (timezone.now() + timedelta(days=5, hours=12)).replace(minute=0, second=0, microsecond=0)
    appointment = Appointment.objects.create(
        practice=world.practice,
        therapist=world.therapist,
        client=world.client_a,
        kind=Kind.SESSION,
        start=start,
        end=start + timedelta(minutes=50),
        blocked_until=start + timedelta(minutes=60),
    )
    login(page, live_server, world.client_a.user.email)
    page.goto(f"{live_server.url}/sessions/{appointment.uuid}/")
    page.get_by_role("link", name="Cancel this session").click()

    expect(page.get_by_role("heading", level=1, name="Cancel this session?")).to_be_visible()
    expect(page.get_by_text("more than 5 days from now")).to_be_visible()
    expect(page.get_by_text("Ana Therapist is told")).to_be_visible()
    expect(page.get_by_text("If you need to cancel less than 48 hours before a session")).to_be_visible()
    assert Appointment.objects.get(pk=appointment.pk).is_active  # nothing happens before she says yes
    check(page)

    page.get_by_role("button", name="Yes, cancel it").click()
    expect(page.get_by_text("Your session is cancelled and Ana Therapist has been told.")).to_be_visible()
    assert not Appointment.objects.get(pk=appointment.pk).is_active
    check(page)

    # Her therapist sees it on their home.
    page.context.clear_cookies()
    login(page, live_server, world.therapist.user.email)
    page.goto(f"{live_server.url}/caseload/")
    panel = page.get_by_role("region", name="Sessions your clients changed")
    expect(panel).to_contain_text("Cara Client cancelled the session on")
    check(page)

"""In a real browser (Chromium, phone-sized): the owner hands Cara over from Ana to Ben; Ben sees her
safety plan and open alert; Ana no longer sees Cara; Cara sees Ben's name."""

import pytest
from playwright.sync_api import expect

from risk.services import risk_alert_raise
from safetyplan.services import safety_plan_save
from tending.testing.browser import assert_accessible, assert_no_horizontal_scroll, login
from tending.testing.personas import build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in_as(page, live_server, email):
    page.context.clear_cookies()
    login(page, live_server, email)


def test_the_owner_hands_cara_from_ana_to_ben_and_everyone_sees_it(page, live_server):
    w = build_world()
    safety_plan_save(
        client=w.client_a, content={"warning_signs": "Lying awake replaying the day"}, written_by=w.client_a.user
    )
    alert = risk_alert_raise(client=w.client_a, source="phq9_item9")

    # The owner finds Cara on the practice page and hands her over, by keyboard alone.
    sign_in_as(page, live_server, "olive@willow.test")
    page.goto(live_server.url + "/owner/")
    page.get_by_role("link", name="Hand over Cara Client's care").click()
    expect(page.get_by_role("heading", name="Hand over Cara Client's care", level=1)).to_be_visible()
    assert_accessible(page)
    assert_no_horizontal_scroll(page)
    page.get_by_label("Their new therapist").select_option(label="Ben Therapist")
    page.get_by_label("Go with the client").check()
    page.get_by_label("Keep their times").check()
    reason = page.get_by_label("Why the care is moving")
    reason.fill("Ana is reducing her hours")
    reason.press("Enter")  # a new line in the reason, never an early submit
    expect(reason).to_have_value("Ana is reducing her hours\n")
    page.get_by_role("button", name="Hand over the care").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_text("Cara Client is now in Ben Therapist's care.")).to_be_visible()
    expect(
        page.get_by_role("listitem").filter(has_text="Cara Client").filter(has_text="with Ben Therapist")
    ).to_be_visible()

    # Ben sees Cara's safety plan and her open alert.
    sign_in_as(page, live_server, "ben@willow.test")
    page.goto(live_server.url + "/caseload/clients/")
    page.get_by_role("link", name="Cara Client").click()
    expect(page.get_by_role("heading", name="Risk alerts")).to_be_visible()
    expect(page.get_by_text("waiting for acknowledgement")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Open the safety plan").click()
    expect(page.get_by_text("Lying awake replaying the day")).to_be_visible()
    page.goto(f"{live_server.url}/alerts/{alert.uuid}/")
    expect(page.get_by_role("heading", name="Alert for Cara Client")).to_be_visible()

    # Ana no longer sees Cara, in her list or by address.
    sign_in_as(page, live_server, "ana@willow.test")
    page.goto(live_server.url + "/caseload/clients/")
    expect(page.get_by_role("link", name="Dev Client")).to_be_visible()
    expect(page.get_by_role("link", name="Cara Client")).to_have_count(0)
    response = page.goto(f"{live_server.url}/therapist/clients/{w.client_a.uuid}/")
    assert response.status == 404

    # Cara sees Ben's name in her space.
    sign_in_as(page, live_server, "cara@willow.test")
    page.goto(live_server.url + "/me/")
    expect(page.get_by_text("Your therapist is Ben Therapist.")).to_be_visible()
    expect(page.get_by_text("Ben Therapist is your therapist now.")).to_be_visible()
    assert_accessible(page)
    assert_no_horizontal_scroll(page)

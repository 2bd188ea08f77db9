"""In a real browser on a phone-sized screen: a check-in, every questionnaire, the journey, the therapist's view."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from measures.instruments import INSTRUMENTS
from measures.models import MeasureResponse
from measures.services import measure_response_record, measure_send
from risk.models import RiskAlert
from tending.testing.browser import assert_accessible, assert_no_horizontal_scroll, login
from tending.testing.personas import build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# For each questionnaire, the option label to pick for every item.
PICK = {
    "phq9": "Several days",
    "gad7": "Several days",
    "phq15": "Bothered a little",
    "who5": "Most of the time",
    "scs_sf": "4",
}


def check_page(page):
    # Waits for the page (a busy CI machine may still be drawing it), then holds exactly one heading.
    expect(page.locator("h1")).to_have_count(1)
    assert_accessible(page)
    assert_no_horizontal_scroll(page)


def test_a_client_checks_in_fills_in_every_questionnaire_and_sees_their_journey(page, live_server):
    world = build_world()
    for instrument in INSTRUMENTS:
        measure_send(client=world.client_a, instrument=instrument, rhythm="once", sent_by=world.therapist)
    login(page, live_server, "cara@willow.test")

    page.goto(live_server.url + "/checkin/")
    check_page(page)
    page.get_by_role("checkbox", name="Calm").check()
    for question, value in (("Mood", "7"), ("Energy", "5"), ("Last night's sleep", "6"), ("A sense of peace", "6")):
        page.get_by_role("group", name=question).get_by_role("radio", name=value, exact=True).check()
    page.get_by_role("group", name="How kind have I been to myself today?").get_by_role(
        "radio", name="8", exact=True
    ).check()
    page.get_by_role("button", name="Save my check-in").click()
    page.wait_for_url(re.compile(r"/me/$"))
    expect(page.get_by_text("Thank you for checking in.")).to_be_visible()

    for instrument_id, instrument in INSTRUMENTS.items():
        page.goto(live_server.url + "/measures/")
        page.get_by_role("link", name=instrument.title).click()
        page.wait_for_url(re.compile(r"/measures/[0-9a-f-]{36}/$"))
        check_page(page)
        expect(page.get_by_text("Why we ask")).to_be_visible()
        # Submitting with nothing answered keeps the form and says so, kindly.
        page.get_by_role("button", name="Save my answers").click()
        expect(page.get_by_text("A few questions still need an answer.")).to_be_visible()
        for number in range(1, instrument.n_items + 1):
            group = page.locator("fieldset.question").nth(number - 1)
            group.get_by_role("radio", name=PICK[instrument_id], exact=True).check()
        page.get_by_role("button", name="Save my answers").click()
        if instrument_id == "phq9":
            # Question 9 was answered "Several days": warm words and crisis contacts at once.
            page.wait_for_url(re.compile(r"/measures/support/$"))
            check_page(page)
            expect(page.get_by_role("link", name=re.compile("Samaritans"))).to_be_visible()
            expect(page.get_by_role("link", name="Open my safety plan")).to_be_visible()
            assert RiskAlert.objects.filter(client=world.client_a, source="phq9_item9").count() == 1
        else:
            page.wait_for_url(re.compile(r"/journey/$"))

    assert MeasureResponse.objects.filter(client=world.client_a).count() == 5
    page.goto(live_server.url + "/journey/")
    check_page(page)
    assert page.locator("canvas[data-drawn=true]").count() >= 9  # four check-in charts, five questionnaires
    page.get_by_text("Mind as a table").click()
    expect(page.get_by_role("table").first).to_be_visible()


def test_the_therapist_sees_the_journey_with_outcomes(page, live_server):
    world = build_world()
    MeasureResponse.objects.all().delete()
    measure_response_record(client=world.client_a, instrument="phq9", answers=[2, 2, 2, 2, 2, 1, 1, 0, 0])
    measure_response_record(client=world.client_a, instrument="gad7", answers=[2, 2, 2, 1, 1, 1, 1])
    measure_response_record(client=world.client_a, instrument="phq9", answers=[1, 1, 0, 1, 0, 0, 0, 0, 0])
    measure_response_record(client=world.client_a, instrument="gad7", answers=[1, 1, 0, 0, 0, 1, 0])
    login(page, live_server, "ana@willow.test")
    page.goto(live_server.url + f"/therapist/clients/{world.client_a.uuid}/")
    page.get_by_role("link", name="Open Cara Client's journey").click()
    page.wait_for_url(re.compile(r"/journey/clients/"))
    check_page(page)
    expect(page.get_by_text("Reliable improvement")).to_be_visible()
    assert page.get_by_role("definition").filter(has_text="Recovered").count() == 1
    page.get_by_text("PHQ-9, ").first.click()
    expect(page.get_by_role("cell", name="Little interest or pleasure in doing things")).to_be_visible()
    assert mail.outbox == [] or all("PHQ" not in m.body for m in mail.outbox)

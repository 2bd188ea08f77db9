"""On a phone (360 px): a client whose care ended three months ago opens the follow-up from their home card,
answers PHQ-9 and GAD-7 with the keyboard alone, sees how they are doing now beside the ending, shares it,
and asks to come back in one tap. Each page passes axe-core and does not scroll sideways."""

import pytest
from playwright.sync_api import expect

from bookings.models import Consultation
from ending.followups import follow_ups_plan
from ending.models import FollowUpAnswer
from ending.tests.test_followups import ended_client
from measures.scoring import score
from tending.testing.browser import assert_accessible, assert_no_horizontal_scroll, login
from tending.testing.personas import build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHQ9 = [1, 0, 2, 0, 1, 0, 0, 1, 0]
GAD7 = [0, 1, 0, 3, 0, 1, 0]


def check(page):
    assert_accessible(page)
    assert_no_horizontal_scroll(page)


def answer_by_keyboard(page, answers):
    """Tab into the first question, choose each answer with the arrow keys (Space for the first), Tab on."""
    page.locator("#id_item_1_0").focus()
    for value in answers:
        if value == 0:
            page.keyboard.press("Space")
        for _ in range(value):
            page.keyboard.press("ArrowDown")
        page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Save")).to_be_focused()
    page.keyboard.press("Enter")
    page.wait_for_load_state("domcontentloaded")


def test_the_three_month_follow_up_and_asking_to_come_back(page, live_server):
    world = build_world()
    client, ending = ended_client(world, months_ago=3)
    three, _six = follow_ups_plan(ending=ending)
    login(page, live_server, client.user.email)
    page.goto(live_server.url + "/me/")
    card = page.locator("section", has=page.get_by_role("heading", name="How are you doing now?"))
    expect(card).to_contain_text("A short check-in, if you'd like it")
    check(page)
    card.get_by_role("link", name="Start the check-in").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("How are you doing now?")
    expect(page.get_by_text("Questionnaire 1 of 2")).to_be_visible()
    check(page)
    answer_by_keyboard(page, PHQ9)
    expect(page.get_by_text("Questionnaire 2 of 2")).to_be_visible()
    check(page)
    answer_by_keyboard(page, GAD7)

    expect(page.get_by_role("heading", level=1)).to_have_text("How you're doing now")
    phq9 = FollowUpAnswer.objects.get(follow_up=three, instrument="phq9")
    gad7 = FollowUpAnswer.objects.get(follow_up=three, instrument="gad7")
    assert (phq9.answers, phq9.total) == (PHQ9, score("phq9", PHQ9)["total"])
    assert (gad7.answers, gad7.total) == (GAD7, score("gad7", GAD7)["total"])
    expect(page.get_by_text("Nobody is alerted")).to_be_visible()
    check(page)
    share = page.get_by_role("button", name="Share these results with the practice")
    share.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_text("You chose to share these results")).to_be_visible()
    three.refresh_from_db()
    assert three.shared_at is not None
    check(page)

    page.goto(live_server.url + "/me/")
    come_back = page.locator("section", has=page.get_by_role("heading", name="Coming back"))
    come_back.get_by_role("button", name="Ask about coming back").click()
    expect(page.get_by_role("status")).to_contain_text(
        "We've let the practice know. Someone will be in touch by email within two working days."
    )
    check(page)
    request = Consultation.objects.get(returning_client=client)
    assert request.earlier_therapist == world.therapist and request.asked_without_time


def test_the_risk_answer_and_a_closed_check_in_are_accessible_and_kind(page, live_server):
    world = build_world()
    client, ending = ended_client(world, months_ago=3)
    three, six = follow_ups_plan(ending=ending)
    login(page, live_server, client.user.email)
    page.goto(f"{live_server.url}/ending/follow-up/{three.uuid}/")
    answer_by_keyboard(page, [0, 0, 0, 0, 0, 0, 0, 0, 2])
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you for telling us")
    expect(page.get_by_text("nobody at the practice will see this answer")).to_be_visible()
    expect(page.get_by_role("link", name="Open my safety plan")).to_be_visible()
    check(page)
    # The six-month one is not open yet: its page says so gently.
    page.goto(f"{live_server.url}/ending/follow-up/{six.uuid}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("This check-in isn't open yet")
    check(page)

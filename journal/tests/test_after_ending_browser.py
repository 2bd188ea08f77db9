"""On a phone, a client whose care has ended writes in their journal, uses a practice, checks in and opens
their messages: each page says plainly that nobody at the practice will see it, the crisis contacts are one
tap away (and open at once for risk words), and every page passes axe-core without scrolling sideways."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from journal.models import Entry
from mindfulness.content import EXERCISES
from mindfulness.models import ExerciseLog
from practice.care_status import care_status_change
from risk.models import RiskAlert, RiskCheck
from tending.testing.browser import assert_accessible, assert_no_horizontal_scroll, login
from tending.testing.personas import add_administrator_persona, build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def scan(page):
    expect(page.locator("h1")).to_have_count(1)
    assert_accessible(page)
    assert_no_horizontal_scroll(page)


def test_an_ended_client_is_told_plainly_on_each_page_with_help_one_tap_away(page, live_server):
    world = add_administrator_persona(build_world())
    cara = world.client_a
    care_status_change(client=cara, status=cara.CareStatus.ENDED, since=world.therapist.today(), staff=world.therapist)
    login(page, live_server, cara.user.email)

    page.goto(live_server.url + reverse("journal:list"))
    note = page.locator("[data-nobody-at-the-practice]")
    expect(note).to_contain_text("nobody at the practice will see what you write here")
    note.get_by_text("If you need someone to talk to now").click()
    expect(note.get_by_role("link", name="Samaritans")).to_be_visible()
    expect(note.get_by_role("link", name="Open my safety plan")).to_be_visible()
    scan(page)

    # Risk words while typing: the contacts open at once, with the plain words.
    page.goto(live_server.url + reverse("journal:new"))
    page.locator("#journal-body").fill("Some nights I want to end it all")
    urgent = page.locator("#nobody-at-the-practice-now")
    expect(urgent).to_contain_text("nobody at the practice will see this")
    expect(urgent.get_by_role("link", name="Samaritans")).to_be_visible()
    scan(page)
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Our work together has ended, so nobody at the practice will see it.")).to_be_visible()
    expect(page.locator("#nobody-at-the-practice-now")).to_be_visible()
    expect(page.get_by_role("button", name="Share with")).to_have_count(0)
    scan(page)
    assert Entry.objects.get().shared_at is None
    assert not RiskCheck.objects.exists() and not RiskAlert.objects.exists()

    # A practice, played through and noted: the player is hers as before; the note stays with her.
    exercise = EXERCISES[0]
    page.goto(live_server.url + reverse("mindfulness:play", kwargs={"slug": exercise.slug}))
    scan(page)
    page.get_by_role("button", name="Begin").click()
    expect(page.locator("[data-player]")).to_have_attribute("data-state", "running")
    page.get_by_role("button", name="Finish now").click()
    expect(page.locator("[data-player]")).to_have_attribute("data-state", "finished")
    page.get_by_role("link", name="Note how you feel, if you like").click()
    expect(page.locator("[data-after-ending]")).to_contain_text("nobody at the practice will see this")
    scan(page)
    page.get_by_label("Calm before (0 to 10)").select_option("3")
    page.get_by_label("Calm now (0 to 10)").select_option("6")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("What helps me")
    assert ExerciseLog.objects.get(client=cara).after_ending

    page.goto(live_server.url + reverse("checkins:today"))
    expect(page.locator("[data-nobody-at-the-practice]")).to_contain_text("nobody at the practice will see them")
    scan(page)

    page.goto(live_server.url + reverse("messaging:mine"))
    expect(page.locator("[data-nobody-at-the-practice]")).to_contain_text(
        "nobody at the practice will read a message here now"
    )
    scan(page)
    page.goto(live_server.url + reverse("messaging:mine_kind", kwargs={"kind": "office"}))
    expect(page.locator("[data-office-after-ending]")).to_contain_text("not to a therapist")
    scan(page)

    page.goto(live_server.url + reverse("safetyplan:mine"))
    expect(page.locator("[data-after-ending]")).to_contain_text("this plan is yours to keep")
    scan(page)

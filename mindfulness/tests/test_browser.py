"""The issue's "done when", in Chromium on a 360-pixel phone: find a practice, play it with bells,
rate it, see what helps, keep a self-care plan, write, share and unshare a journal entry; and the
practices and crisis page still open with the network cut."""

import re

import pytest
from playwright.sync_api import expect

from journal.models import Entry
from journal.services import entry_save, entry_share
from mindfulness.content import BY_SLUG
from mindfulness.models import CustomExercise, ExerciseLog, Recommendation
from mindfulness.services import exercise_log_record
from selfcare.models import Tick
from tending.testing.browser import assert_accessible, assert_no_horizontal_scroll, login
from tending.testing.personas import build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def check(page):
    assert_accessible(page)
    assert_no_horizontal_scroll(page)


def test_a_client_practises_rates_keeps_a_plan_and_journals_on_a_phone(page, live_server):
    world = build_world()
    Recommendation.objects.create(
        client=world.client_a,
        therapist=world.therapist,
        builtin_slug="self-compassion-break",
        note="For hard moments at work.",
    )
    page.clock.install()
    login(page, live_server, world.client_a.user.email)

    # Find a practice: Ana's suggestion comes first.
    page.goto(live_server.url + "/practices/")
    suggestion = page.locator("#suggestions")
    expect(suggestion).to_contain_text("From Ana Therapist")
    expect(suggestion).to_contain_text("For hard moments at work.")
    check(page)
    suggestion.get_by_role("link", name="A self-compassion break").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("A self-compassion break")
    check(page)

    # Play it through, with a pause, using the keyboard for the controls.
    player = page.locator("[data-player]")
    steps = BY_SLUG["self-compassion-break"].short
    begin = page.get_by_role("button", name="Begin")
    for waiting in ("Pause", "Resume", "Next step", "Finish now"):
        expect(page.get_by_role("button", name=waiting)).to_be_hidden()
    begin.focus()
    page.keyboard.press("Enter")
    expect(player).to_have_attribute("data-state", "running")
    expect(begin).to_be_hidden()
    expect(page.get_by_role("button", name="Resume")).to_be_hidden()
    status = page.locator("[data-status]")
    expect(status).to_have_attribute("aria-live", "polite")
    expect(status).to_contain_text(f"Step 1 of {len(steps)}")
    assert page.evaluate("document.documentElement.dataset.bells") == "1"  # the opening bell
    page.clock.run_for(int(steps[0].seconds * 1000) + 500)
    expect(status).to_contain_text(f"Step 2 of {len(steps)}")
    expect(page.locator("[data-steps] li:not([hidden])")).to_have_count(1)
    page.keyboard.press("Enter")  # focus moved to Pause
    expect(player).to_have_attribute("data-state", "paused")
    page.clock.run_for(60_000)
    expect(status).to_contain_text("Paused")
    page.get_by_role("button", name="Resume").click()
    check(page)
    page.clock.run_for(sum(step.seconds for step in steps) * 1000)
    expect(player).to_have_attribute("data-state", "finished")
    expect(status).to_contain_text("Whatever happened, you gave yourself this time")
    # A bell to start, one between each pair of steps, and one at the end.
    assert page.evaluate("document.documentElement.dataset.bells") == str(len(steps) + 1)

    # Rate it, then see what helps.
    page.get_by_role("link", name="Note how you feel, if you like").click()
    page.get_by_label("Calm before (0 to 10)").select_option("3")
    page.get_by_label("Calm now (0 to 10)").select_option("6")
    page.get_by_label("Kindness to myself before (0 to 10)").select_option("2")
    page.get_by_label("Kindness to myself now (0 to 10)").select_option("5")
    page.get_by_label("A word for how you feel, if one comes").fill("softer")
    check(page)
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("What helps me")
    expect(page.locator("main")).to_contain_text("A self-compassion break")
    expect(page.locator("main")).to_contain_text("+3.0 on average")
    check(page)
    assert ExerciseLog.objects.get().word == "softer"

    # Keep a self-care plan and tick something off.
    page.goto(live_server.url + "/self-care/")
    page.get_by_label("Something that nurtures you").fill("A walk by the river")
    page.get_by_role("radio", name="Body").check()
    page.get_by_label("How often, roughly").select_option("few_a_week")
    page.get_by_role("button", name="Add to my plan").click()
    expect(page.locator(".message")).to_contain_text("Added to your plan.")
    page.get_by_role("button", name=re.compile(r"^Done.*A walk by the river")).click()
    expect(page.locator("main")).to_contain_text("You made time for this today.")
    check(page)
    assert Tick.objects.count() == 1

    # Write (with autosave), share, and unshare a journal entry.
    page.goto(live_server.url + "/journal/")
    check(page)
    page.get_by_role("link", name="Just write").click()
    page.get_by_label("Your entry").fill("A slow morning. I let myself rest without apologising.")
    expect(page.locator("#autosave-status")).to_contain_text("Draft kept", timeout=10_000)
    assert Entry.objects.get().is_draft
    check(page)
    page.get_by_role("button", name="Save").click()
    expect(page.locator("main")).to_contain_text("A slow morning.")
    page.get_by_role("button", name=re.compile("Share with Ana Therapist")).click()
    expect(page.locator("main")).to_contain_text("Ana Therapist can read the version you shared")
    assert Entry.objects.get().is_shared
    check(page)
    page.get_by_role("button", name="Stop sharing").click()
    expect(page.locator("main")).to_contain_text("Private: only you can read this entry.")
    assert not Entry.objects.get().is_shared
    assert Entry.objects.count() == 1


def test_risk_words_show_the_contacts_beside_the_entry_as_it_is_typed(page, live_server):
    world = build_world()
    login(page, live_server, world.client_a.user.email)
    page.goto(live_server.url + "/journal/new/")
    page.get_by_label("Your entry").fill("Tonight I feel like I want to end it all.")
    support = page.locator("#journal-support")
    expect(support).to_contain_text("If you are struggling right now", timeout=10_000)
    expect(support.locator('a[href="tel:116123"]')).to_be_visible()
    check(page)


def test_the_timer_rings_at_the_start_each_interval_and_the_end(page, live_server):
    world = build_world()
    page.clock.install()
    login(page, live_server, world.client_a.user.email)
    page.goto(live_server.url + "/practices/timer/")
    page.get_by_label("How long").select_option("3")
    page.get_by_label("Bells in between").select_option("1")
    page.get_by_role("button", name="Begin").click()
    page.clock.run_for(3 * 60_000 + 1000)
    expect(page.locator("[data-status]")).to_contain_text("Time is up")
    # Start, after one and two minutes, and the end.
    assert page.evaluate("document.documentElement.dataset.bells") == "4"
    check(page)


def test_practices_and_the_crisis_page_open_offline_after_a_first_visit(page, live_server):
    world = build_world()
    login(page, live_server, world.client_a.user.email)
    page.goto(live_server.url + "/practices/")
    expect(page.locator("html")).to_have_attribute("data-offline-ready", "yes", timeout=20_000)

    page.context.set_offline(True)
    page.goto(live_server.url + "/practices/play/grounding-5-4-3-2-1/")
    expect(page.get_by_role("heading", level=1)).to_have_text("5-4-3-2-1 grounding")
    expect(page.locator("[data-steps]")).to_contain_text("five things you can see")
    page.goto(live_server.url + "/practices/play/body-scan/longer/")
    expect(page.get_by_role("heading", level=1)).to_have_text("A gentle body scan")
    page.goto(live_server.url + "/crisis/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Need urgent help?")
    expect(page.locator('a[href="tel:116123"]').first).to_be_visible()
    # A journal page is never kept: offline it shows the gentle fallback, not the journal.
    page.goto(live_server.url + "/journal/")
    expect(page.get_by_role("heading", level=1)).to_have_text("No connection just now")
    page.context.set_offline(False)


def test_the_therapists_pages_for_practices_and_shared_entries_are_accessible(page, live_server):
    world = build_world()
    own = CustomExercise.objects.create(author=world.therapist, title="Tea with attention", steps_text="Hold the cup.")
    Recommendation.objects.create(client=world.client_a, therapist=world.therapist, custom=own, note="For rushed days.")
    exercise_log_record(client=world.client_a, exercise=BY_SLUG["rain"], calm_before=2, calm_after=6)
    entry, _ = entry_save(client=world.client_a, body="Something to talk about on Tuesday.", prompt="letter")
    entry_share(entry=entry)
    login(page, live_server, world.therapist.user.email)
    cara = world.client_a.uuid
    for url in (
        "/practices/manage/",
        "/practices/manage/new/",
        f"/practices/manage/{own.uuid}/",
        f"/practices/recommend/{cara}/",
        f"/journal/shared/{cara}/",
        f"/therapist/clients/{cara}/",
    ):
        page.goto(live_server.url + url)
        expect(page.locator("h1"), url).to_have_count(1)
        check(page)
    expect(page.locator("main")).to_contain_text("has shared 1 entry with you")
    page.goto(live_server.url + "/practices/manage/new/")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("main")).to_contain_text("Please write at least one step")
    check(page)


def test_the_crisis_page_is_kept_from_a_first_visit_to_my_space(page, live_server):
    world = build_world()
    login(page, live_server, world.client_a.user.email)
    page.goto(live_server.url + "/me/")
    expect(page.locator("html")).to_have_attribute("data-offline-ready", "yes", timeout=20_000)
    page.context.set_offline(True)
    page.goto(live_server.url + "/crisis/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Need urgent help?")
    page.goto(live_server.url + "/practices/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Practices")
    page.context.set_offline(False)

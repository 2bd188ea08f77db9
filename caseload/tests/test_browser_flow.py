"""A therapist's morning in a real browser (Chromium, phone-sized): the caseload, the demo's symptom
shift, building a formulation, and writing, signing and amending a session note."""

import re
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from bookings.models import Appointment
from practice.models import Client
from tending.testing.browser import assert_accessible, assert_no_horizontal_scroll, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "browser-demo-password"


@pytest.fixture
def demo():
    call_command("seed_demo", "--password", PASSWORD, stdout=StringIO())
    dev = Client.objects.select_related("therapist", "practice").get(user__email="dev@demo.tending.test")
    if Appointment.objects.for_client(dev).sessions().active().past().exists():
        return None  # the bookings demo gave Dev past sessions already
    start = timezone.now().replace(minute=0, second=0, microsecond=0) - timedelta(days=1, hours=3)
    return Appointment.objects.create(
        practice=dev.practice,
        therapist=dev.therapist,
        client=dev,
        kind="session",
        start=start,
        end=start + timedelta(minutes=50),
        blocked_until=start + timedelta(minutes=50),
        status="completed",
    )


def check(page):
    assert_accessible(page)
    assert_no_horizontal_scroll(page)


def test_a_therapist_works_from_the_caseload_builds_a_formulation_and_signs_a_note(page, live_server, demo):
    login(page, live_server, "ana@demo.tending.test", PASSWORD)
    expect(page).to_have_url(re.compile(r"/caseload/$"))
    expect(page.get_by_role("heading", name="Your caseload")).to_be_visible()
    expect(page.get_by_role("heading", name="A possible symptom shift for Cara Lewis")).to_be_visible()
    expect(page.get_by_text("Panic attacks resolved on")).to_be_visible()
    check(page)

    # The formulation: the demo's timeline, then a new cause and a symptom linked to it.
    page.get_by_role("link", name="Open the formulation").first.click()
    expect(page.get_by_role("heading", name="Formulation: Cara Lewis")).to_be_visible()
    expect(page.get_by_role("img", name=re.compile(r"^Waking at 4am: present from"))).to_be_attached()
    check(page)
    page.get_by_role("link", name="Add an underlying cause").click()
    page.get_by_label("Underlying cause (your working hypothesis)").fill("Early shame")
    page.get_by_label("Low mood").check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("link", name="Early shame").first).to_be_visible()
    page.get_by_role("link", name="Add a symptom").click()
    expect(page.get_by_label("Symptom:", exact=True)).to_be_visible()  # the new page, before axe reads it
    check(page)
    page.get_by_label("Symptom:", exact=True).select_option("anger")
    page.get_by_label("Severity (0 to 10)").fill("12")
    page.get_by_label("Early shame").check()
    page.get_by_role("button", name="Save").click()
    # The error summary at the top says so first (and links to the field).
    expect(
        page.locator("[data-error-summary]").get_by_text("Ensure this value is less than or equal to 10.")
    ).to_be_visible()
    expect(page.get_by_label("Severity (0 to 10)")).to_have_value("12")
    page.get_by_label("Severity (0 to 10)").fill("5")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("img", name=re.compile(r"^Anger: present from"))).to_be_attached()
    shame = page.locator("article.formulation-cause", has=page.get_by_role("heading", name="Early shame"))
    expect(shame.get_by_role("link", name="Anger")).to_be_visible()
    expect(shame.get_by_role("link", name="Low mood")).to_be_visible()

    # The client list, then Dev's page, where yesterday's session waits for a note.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Caseload").click()
    page.get_by_role("link", name=re.compile("All clients")).click()
    page.get_by_label("Search by name or email").fill("dev")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("link", name="Cara Lewis")).to_have_count(0)
    check(page)
    page.get_by_role("link", name="Dev Patel").click()
    page.get_by_role("link", name=re.compile("^Write a note")).first.click()
    page.get_by_role("button", name="Start writing").click()
    expect(page.get_by_label("Mind")).to_be_visible()
    check(page)

    # Autosave on the server: type, wait for the status, reload, and the words are still there.
    mind = page.get_by_label("Mind")
    mind.fill("Dev spoke about his brother for the first time.")
    expect(page.get_by_role("status")).to_contain_text("Draft saved at")
    page.reload()
    expect(page.get_by_label("Mind")).to_have_value("Dev spoke about his brother for the first time.")
    page.get_by_label("Risk").fill("No thoughts of harm.")
    expect(page.get_by_role("status")).to_contain_text("Draft saved at")
    page.get_by_role("button", name="Sign and lock").click()
    # It asks first, and says signing cannot be undone.
    expect(page.get_by_text("Signing cannot be undone")).to_be_visible()
    page.get_by_role("button", name="Yes, sign and lock").click()
    expect(page.get_by_text("Signed and locked.")).to_be_visible()
    check(page)

    # An amendment sits beside the signed words, dated.
    page.get_by_role("link", name="Add an amendment").click()
    page.get_by_label("Which part").select_option("mind")
    page.get_by_label("What to add or correct").fill("He asked that we come back to this slowly.")
    page.get_by_role("button", name="Add amendment").click()
    expect(page.get_by_text("Dev spoke about his brother for the first time.")).to_be_visible()
    expect(page.get_by_text("He asked that we come back to this slowly.")).to_be_visible()
    expect(page.get_by_text(re.compile(r"^Amended \d+ \w+ \d{4}"))).to_be_visible()
    check(page)

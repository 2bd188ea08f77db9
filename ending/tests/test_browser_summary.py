"""On a phone (360 px), the ending summary is built by therapist and client together, care ends, and the
client downloads the PDF of the parts she chose (its text read back). Keyboard-friendly: every control has
a label, and after a save the confirmation has the focus. Each page passes axe-core and fits the width."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from ending.models import Ending, FollowUp
from ending.tests.test_summary_pdf import pdf_text
from ending.tests.test_summary_selectors import make_history
from tending.testing.browser import assert_accessible, assert_no_horizontal_scroll, login
from tending.testing.personas import build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LETTER = "It has been a privilege to work with you. Keep the breathing close."


def _switch(page, live_server, email):
    page.context.clear_cookies()
    login(page, live_server, email)


def _check(page):
    assert_accessible(page)
    assert_no_horizontal_scroll(page)


def test_the_summary_is_prepared_together_and_kept_as_a_pdf(page, live_server):
    world = build_world()
    client = make_history(world)
    record = reverse("practice:client_detail", kwargs={"client_uuid": client.uuid})

    # Ana starts preparing from the client's record and writes a letter.
    login(page, live_server, world.therapist.user.email)
    page.goto(live_server.url + record)
    page.get_by_role("button", name="Start preparing for our ending").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Ending with {client.display_name}")
    expect(page.locator("[data-messages]")).to_be_focused()
    _check(page)
    page.get_by_label("Your letter to the client (optional)").fill(LETTER)
    page.get_by_role("button", name="Save the letter").click()
    expect(page.get_by_text("Letter saved.")).to_be_visible()
    _check(page)

    # The client finds the card in her space, writes her words, leaves out her self-care plan and
    # chooses the follow-up.
    _switch(page, live_server, client.user.email)
    expect(page.get_by_text("has started preparing for the end of our work together")).to_be_visible()
    page.get_by_role("link", name="Open my ending summary").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Preparing for the end of our work together")
    expect(page.get_by_role("listitem").filter(has_text="PHQ-9 (low mood): 17, moderately severe")).to_be_visible()
    expect(page.get_by_role("img", name="PHQ-9 (low mood) over time")).to_be_visible()
    _check(page)
    page.get_by_label("Where I was when I started").fill("I could not sleep and the worry was loud.")
    page.get_by_label("What I want to carry on with").fill("The breathing on the train.")
    selfcare = page.get_by_label("Include my self-care plan")
    expect(selfcare).to_be_checked()
    selfcare.press("Space")  # by keyboard
    expect(selfcare).not_to_be_checked()
    page.get_by_role("button", name="Save my words and choices").click()
    expect(page.get_by_text("Saved. Your words and choices are kept.")).to_be_visible()
    expect(page.locator("[data-messages]")).to_be_focused()
    expect(page.get_by_label("Where I was when I started")).to_have_value("I could not sleep and the worry was loud.")
    page.get_by_label("Yes, I would like a check-in at three and at six months").check()
    page.get_by_role("button", name="Save my choice").click()
    expect(page.get_by_text("We will invite you to a check-in at three and at six months.")).to_be_visible()
    _check(page)

    # Ana sees her words and ends their work together (today, the form's date).
    _switch(page, live_server, world.therapist.user.email)
    page.goto(live_server.url + reverse("ending:staff_summary", kwargs={"client_uuid": client.uuid}))
    expect(page.get_by_text("I could not sleep and the worry was loud.")).to_be_visible()
    expect(page.get_by_text("Their self-care plan: left out")).to_be_visible()
    page.get_by_role("button", name="End our work together").click()
    expect(page.get_by_text("Our work together has ended. The client keeps")).to_be_visible()
    _check(page)
    ending = Ending.objects.get(client=client)
    assert ending.state == Ending.State.ENDED and ending.staff_copy["carry_words"] == "The breathing on the train."
    assert FollowUp.objects.filter(ending=ending).count() == 2

    # The client's page has ended, and the PDF holds what she chose.
    _switch(page, live_server, client.user.email)
    expect(page.get_by_role("heading", name="Our work together has ended")).to_be_visible()
    page.get_by_role("link", name="Open my ending summary").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Our work together has ended")
    _check(page)
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download my summary (PDF)").click()
    download = download_info.value
    assert download.suggested_filename == f"our-work-together-{ending.ended_on.isoformat()}.pdf"
    with open(download.path(), "rb") as pdf:
        text = pdf_text(pdf.read())
    assert "I could not sleep and the worry was loud." in text
    assert "The breathing on the train." in text
    assert "PHQ-9 (low mood): 17, moderately severe" in text
    assert LETTER in text
    assert "A walk by the river" not in text and "My self-care plan" not in text

"""In a real browser: a client downloads all their data, asks to be erased, and the owner completes it."""

import io
import json
import zipfile

import pytest
from playwright.sync_api import expect

from safetyplan.services import safety_plan_save
from tending.testing.browser import assert_accessible, assert_no_horizontal_scroll, login
from tending.testing.personas import build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_client_downloads_their_data_then_asks_to_be_erased_and_the_owner_completes_it(page, live_server):
    world = build_world()
    safety_plan_save(client=world.client_a, content={"reasons_for_living": "My niece"}, written_by=world.client_a.user)
    login(page, live_server, world.client_a.user.email)

    page.get_by_role("link", name="My data").click()
    expect(page.get_by_role("heading", name="My data", exact=True)).to_be_visible()
    assert_accessible(page)
    assert_no_horizontal_scroll(page)
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download my data").click()
    download = download_info.value
    assert download.suggested_filename.startswith("my-data-")
    with zipfile.ZipFile(io.BytesIO(open(download.path(), "rb").read())) as archive:
        names = archive.namelist()
        data = json.loads(archive.read("data.json"))
        pdf = archive.read("journey.pdf")
    assert {"README.txt", "data.json", "journey.pdf", "csv/safety_plan_versions.csv"} <= set(names)
    assert data["safety_plan_versions"][0]["reasons_for_living"] == "My niece"
    assert pdf.startswith(b"%PDF")

    # Asking without ticking the box is explained kindly; ticking it sends the request.
    page.get_by_role("button", name="Ask for my data to be deleted").click()
    # The error summary says so first (and links to the box), as well as the words beside the box.
    assert page.locator("[data-error-summary]").get_by_text("There is no rush").is_visible()
    page.get_by_label("I understand").check()
    page.get_by_role("button", name="Ask for my data to be deleted").click()
    assert page.get_by_role("button", name="Withdraw my request").is_visible()

    owner = page.context.browser.new_context(viewport={"width": 360, "height": 740}, locale="en-GB")
    try:
        tab = owner.new_page()
        login(tab, live_server, world.owner.user.email)
        tab.get_by_role("link", name="Data requests").click()
        assert_accessible(tab)
        tab.get_by_role("link", name="Review and complete").click()
        assert_accessible(tab)
        tab.get_by_label("Type ERASE to confirm").fill("ERASE")
        tab.get_by_role("button", name="Erase now").click()
        assert tab.get_by_text("Erasure complete").is_visible()
    finally:
        owner.close()

    # The client's session is gone and their sign-in no longer works.
    page.goto(live_server.url + "/my-data/")
    assert "/accounts/login/" in page.url

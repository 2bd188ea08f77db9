"""In Chromium, on a 360 px phone and a 1280 px desktop: the client's journey and the formulation timeline
draw their points by date (two on one day in one place, thirty days three times as wide as ten), say the
span they draw, spread the formulation's month labels across its axis, and axe-core finds nothing."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from checkins.models import CheckIn
from formulation import services as formulation
from measures.models import MeasureResponse
from measures.scoring import score
from tending.testing.browser import assert_accessible, assert_no_horizontal_scroll, login
from tending.testing.personas import build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = (360, 1280)
# PHQ-9 answers (totals 14, 9, 10 and 7) and how many days ago each was given: ten days apart, then thirty.
FORMS = ((40, [2, 2, 2, 2, 2, 2, 1, 1, 0]), (30, [1, 1, 1, 1, 1, 1, 1, 2, 0]), (30, [1, 1, 1, 1, 1, 1, 2, 2, 0]))
LATEST = (0, [1, 1, 1, 1, 1, 1, 1, 0, 0])


def _history(world):
    client = world.client_a
    zone = client.practice.zone
    today = timezone.localtime(timezone.now(), zone).date()
    for days_ago, answers in (*FORMS, LATEST):
        result = score("phq9", answers)
        MeasureResponse.objects.create(
            client=client,
            instrument="phq9",
            instrument_version="test",
            answers=answers,
            # Early in the practice's day: on that local date, and never after now.
            completed_at=dt.datetime.combine(today - dt.timedelta(days=days_ago), dt.time(0, 30), tzinfo=zone),
            total=result["total"],
            band=result["band"],
        )
    for days_ago in (20, 12, 5, 1):
        CheckIn.objects.create(client=client, local_date=today - dt.timedelta(days=days_ago), mood=5, energy=6)
    formulation.symptom_add(
        client=client,
        by=world.therapist,
        kind="anxiety",
        custom_name="Worry",
        status="present",
        severity=7,
        on=today - dt.timedelta(days=200),
    )
    return today


def _assert_by_date(xs):
    """Four points: the second and third on one day, then a gap three times the first."""
    assert len(xs) == 4, xs
    assert abs(xs[1] - xs[2]) < 0.5, xs
    assert xs[0] < xs[1] < xs[3], xs
    assert abs((xs[3] - xs[2]) / (xs[1] - xs[0]) - 3) < 0.05, xs


@pytest.mark.parametrize("width", WIDTHS)
def test_the_clients_journey_places_questionnaires_by_date(page, live_server, width):
    world = build_world()
    today = _history(world)
    page.set_viewport_size({"width": width, "height": 900})
    login(page, live_server, "cara@willow.test")
    page.goto(live_server.url + "/journey/?range=year")
    page.locator("#chart-measure-phq9[data-drawn=true]").wait_for()
    # Where Chart.js drew each point, in pixels of the canvas.
    xs = page.evaluate(
        "() => Chart.getChart(document.getElementById('chart-measure-phq9')).getDatasetMeta(0).data.map(p => p.x)"
    )
    _assert_by_date(xs)
    # The axis runs across the year chosen: today is at its right-hand end.
    right = page.evaluate("() => Chart.getChart(document.getElementById('chart-measure-phq9')).chartArea.right")
    assert abs(xs[3] - right) < 0.5
    start = today - dt.timedelta(days=364)
    first = f"{start.day} {start:%B %Y}" if start.year != today.year else f"{start.day} {start:%B}"
    caption = f"From {first} to {today.day} {today:%B %Y}"
    assert page.locator(".chart__span", has_text=caption).first.is_visible()
    name = page.locator("#chart-measure-phq9").get_attribute("aria-label")
    assert "PHQ-9 14 on " in name and ".0" not in name
    expect(page.locator("h1")).to_have_count(1)
    assert_accessible(page)
    assert_no_horizontal_scroll(page)


@pytest.mark.parametrize("width", WIDTHS)
def test_the_formulation_timeline_places_scores_and_month_labels_by_date(page, live_server, width):
    world = build_world()
    _history(world)
    page.set_viewport_size({"width": width, "height": 900})
    login(page, live_server, "ana@willow.test")
    page.goto(live_server.url + f"/formulation/clients/{world.client_a.uuid}/")
    # The dots of the PHQ-9 line, where the browser drew them (centres, in page pixels).
    xs = page.locator(".tl-row--measure .tl-dot").evaluate_all(
        "dots => dots.map(d => { const r = d.getBoundingClientRect(); return r.left + r.width / 2; })"
    )
    _assert_by_date(xs)
    # Month labels sit on the axis beside their ticks, spread along it, none on top of another.
    axis = page.locator(".tl-svg--axis").bounding_box()
    labels = page.locator(".tl-tick-label").evaluate_all(
        "ts => ts.map(t => { const r = t.getBoundingClientRect(); return [r.left, r.right]; })"
    )
    ticks = page.locator(".tl-svg--axis .tl-tick").evaluate_all("ls => ls.map(l => l.getBoundingClientRect().left)")
    assert len(labels) == len(ticks) >= 3
    for (left, right), tick in zip(labels, ticks, strict=True):
        assert axis["x"] - 1 <= left <= tick + 1 and tick - 1 <= right <= axis["x"] + axis["width"] + 1
    assert all(a[1] <= b[0] for a, b in zip(labels, labels[1:], strict=False)), labels
    assert labels[0][0] < axis["x"] + axis["width"] * 0.4
    assert labels[-1][1] > axis["x"] + axis["width"] * 0.6
    assert page.get_by_text("PHQ-9 (mood): 4 scores, 14 on").count() == 1
    expect(page.locator("h1")).to_have_count(1)
    assert_accessible(page)
    assert_no_horizontal_scroll(page)

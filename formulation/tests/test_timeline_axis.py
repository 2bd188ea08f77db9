"""The formulation timeline is drawn on a time axis: scores sit by date, month labels spread across the
axis at their own dates, the caption names the span drawn, and the words round their numbers."""

import re
from datetime import timedelta

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from formulation import services, timeline
from formulation.models import Insight
from formulation.symptom_shift import Score
from tending.testing.personas import TendingTestCase


class _Entry:
    def __init__(self, on, status="present", severity=6):
        self.on, self.status, self.severity = on, status, severity

    def get_status_display(self):
        return self.status.capitalize()


class _Symptom:
    id, uuid, name = 1, "00000000-0000-0000-0000-000000000001", "Worry"

    def __init__(self, entries):
        self._entries = entries

    def entries(self):
        return self._entries


def _today():
    return timezone.localdate()


def _chart(*, first_day, scores=None, session_days=(), today=None):
    return timeline.build(
        causes=[],
        symptoms=[_Symptom([_Entry(first_day)])],
        session_days=list(session_days),
        scores=scores or {},
        today=today or _today(),
    )


def _fraction(chart, day) -> float:
    return (day - chart.start).days / (chart.end - chart.start).days


def test_scores_sit_by_date_so_two_on_one_day_share_a_place_and_gaps_keep_their_length():
    today = _today()
    days = [today - timedelta(days=n) for n in (40, 30, 30, 0)]
    scores = {"phq9": [Score(on=day, value=v) for day, v in zip(days, (14.0, 9.0, 10.0, 7.0), strict=True)]}
    chart = _chart(first_day=today - timedelta(days=60), scores=scores)
    (line,) = chart.measures
    xs = [float(pair.split(",")[0]) for pair in line.points.split()]
    assert xs[1] == xs[2]  # two on one day
    assert abs((xs[3] - xs[2]) - 3 * (xs[1] - xs[0])) < 0.05  # thirty days is three times ten
    assert [round(x / timeline.WIDTH, 3) for x in xs] == [round(_fraction(chart, d), 3) for d in days]
    # Each score also has a dot, so a score alone on its day is seen.
    assert line.dots.count('class="tl-dot"') == 4


def test_month_labels_are_month_starts_placed_by_date_across_the_whole_axis():
    today = _today()
    chart = _chart(first_day=today - timedelta(days=90))
    assert len(chart.ticks) >= 3
    percents = []
    for x, label in chart.ticks:
        percent = float(x) / timeline.WIDTH * 100
        match = re.search(rf'<text x="{re.escape(timeline._n(percent))}%" y="18" text-anchor="\w+" ', chart.tick_marks)
        assert match, (label, chart.tick_marks)
        assert f">{label}</text>" in chart.tick_marks
        percents.append(percent)
    # Month starts, placed as the fraction of the span they fall at.
    months = []
    month = chart.start.replace(day=1)
    while month <= chart.end:
        if month > chart.start:
            months.append(month)
        month = (month + timedelta(days=32)).replace(day=1)
    assert [round(p, 1) for p in percents] == [round(100 * _fraction(chart, m), 1) for m in months]
    # Spread across the axis, not bunched at its start.
    assert percents[0] < 40 and percents[-1] > 60


def test_a_years_labels_spread_too():
    today = _today()
    chart = _chart(first_day=today - timedelta(days=365))
    percents = [float(x) / timeline.WIDTH * 100 for x, _label in chart.ticks]
    assert len(percents) >= 3
    assert percents[0] < 35 and percents[-1] > 65
    gaps = [b - a for a, b in zip(percents, percents[1:], strict=False)]
    assert max(gaps) < 30  # a quarter apart, give or take a month's length


def test_accessible_names_round_their_numbers_and_use_the_questionnaires_names():
    today = _today()
    first, last = today - timedelta(days=30), today
    scores = {
        "phq9": [Score(on=first, value=14.0), Score(on=last, value=7.0)],
        "scs_sf": [Score(on=first, value=2.416666), Score(on=last, value=3.5)],
        "who5": [Score(on=last, value=48.0)],
    }
    chart = _chart(first_day=today - timedelta(days=60), scores=scores)
    summaries = {line.name: line.summary for line in chart.measures}
    when = timeline._when
    assert summaries["PHQ-9 (mood)"] == f"PHQ-9 (mood): 2 scores, 14 on {when(first)}, latest 7 on {when(last)}"
    assert summaries["SCS-SF (self-compassion)"] == (
        f"SCS-SF (self-compassion): 2 scores, 2.42 on {when(first)}, latest 3.5 on {when(last)}"
    )
    assert summaries["WHO-5 (wellbeing)"] == f"WHO-5 (wellbeing): 48 on {when(last)}"
    assert not any(".0 " in s or s.endswith(".0") for s in summaries.values())


def test_a_finding_names_the_questionnaire_and_rounds_its_scores():
    today = _today()
    insight = Insight(
        kind=Insight.Kind.COMPASSION_UNCHANGED,
        facts={
            "instrument": "phq9",
            "first": [(today - timedelta(days=60)).isoformat(), 14.0],
            "last": [today.isoformat(), 7.0],
            "scs_first": [(today - timedelta(days=60)).isoformat(), 2.5],
            "scs_last": [today.isoformat(), 2.6],
        },
    )
    html = render_to_string("formulation/_insight.html", {"insight": insight, "hide_actions": True})
    assert "PHQ-9 went from 14 to 7 (a reliable improvement)" in html
    assert "PHQ9" not in html and "14.0" not in html
    assert "moved from 2.50 to 2.60" in html


class TimelineCaptionTests(TendingTestCase):
    def test_the_caption_names_the_span_the_axis_draws_and_its_labels_are_on_the_axis(self):
        today = timezone.localdate()
        services.symptom_add(
            client=self.w.client_a,
            by=self.w.therapist,
            kind="anxiety",
            custom_name="Worry",
            status="present",
            severity=7,
            on=today - timedelta(days=100),
        )
        response = self.as_("therapist").get(
            reverse("formulation:detail", kwargs={"client_uuid": self.w.client_a.uuid})
        )
        chart = response.context["timeline"]
        self.assertEqual(chart.start, today - timedelta(days=107))  # a week before the first record
        self.assertEqual(chart.end, today)
        self.assertContains(response, f"From {chart.start.day} {chart.start:%b %Y} to {today.day} {today:%b %Y}.")
        self.assertContains(response, 'class="tl-tick-label"', count=len(chart.ticks))
        self.assertNotContains(response, 'class="tl-ticks"')

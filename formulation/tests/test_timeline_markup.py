"""The timeline's bars, marks, ticks and links are written once in Python; the page reads as before."""

from datetime import date

import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from formulation import services, timeline
from formulation.models import Insight
from tending.testing.personas import TendingTestCase

TODAY = date(2026, 6, 1)


class _Entry:
    def __init__(self, on, status, severity, label):
        self.on, self.status, self.severity, self.label = on, status, severity, label

    def get_status_display(self):
        return self.label


class _Symptom:
    id, uuid, name = 1, "00000000-0000-0000-0000-000000000001", "Worry"

    def __init__(self, entries):
        self._entries = entries

    def entries(self):
        return self._entries


def test_each_bar_is_written_with_its_place_state_and_title():
    symptom = _Symptom(
        [_Entry(date(2026, 1, 1), "present", 7, "Present"), _Entry(date(2026, 3, 1), "easing", 3, "Easing")]
    )
    chart = timeline.build(
        causes=[],
        symptoms=[symptom],
        session_days=[date(2026, 2, 1)],
        scores={},
        today=TODAY,
    )
    (lane,) = chart.groups[0].lanes
    expected = "".join(
        f'<rect x="{s.x}" y="{s.y}" width="{s.width}" height="{s.height}" class="tl-symptom tl-symptom--{s.status}">'
        f"<title>{s.label}, {s.severity} of 10</title></rect>"
        for s in lane.segments
    )
    assert len(lane.segments) == 2
    assert lane.bars == expected
    (x,) = chart.sessions
    assert chart.session_marks == f'<line x1="{x}" x2="{x}" y1="4" y2="20" class="tl-session"/>'
    assert chart.tick_marks.count('class="tl-tick"') == len(chart.ticks) > 0
    assert [f'class="tl-tick-label">{label}</text>' in chart.tick_marks for _x, label in chart.ticks] == [True] * len(
        chart.ticks
    )


def test_words_in_a_bar_are_escaped():
    symptom = _Symptom([_Entry(date(2026, 1, 1), "present", 7, "<b>Present</b>")])
    chart = timeline.build(causes=[], symptoms=[symptom], session_days=[], scores={}, today=TODAY)
    bars = chart.groups[0].lanes[0].bars
    assert "<title>&lt;b&gt;Present&lt;/b&gt;, 7 of 10</title>" in bars
    assert "<b>" not in bars


@time_machine.travel("2026-06-01 10:00 +00:00", tick=False)
class TimelineLinkTests(TendingTestCase):
    def setUp(self):
        super().setUp()
        ana, cara = self.w.therapist, self.w.client_a
        self.eased = services.symptom_add(
            client=cara, by=ana, kind="panic_attacks", status="present", severity=8, on=date(2026, 1, 5)
        )
        self.appeared = services.symptom_add(
            client=cara, by=ana, kind="sleep_problems", status="present", severity=6, on=date(2026, 4, 10)
        )
        self.cause = services.cause_add(
            client=cara,
            by=ana,
            hypothesis="A <harsh> inner critic",
            on=date(2026, 1, 5),
            symptoms=[self.eased, self.appeared],
        )
        self.url = reverse("formulation:detail", kwargs={"client_uuid": cara.uuid})

    def test_every_row_links_to_its_own_symptom_or_cause(self):
        response = self.as_("therapist").get(self.url)
        chart = response.context["timeline"]
        (group,) = chart.groups
        self.assertEqual(group.band.url, reverse("formulation:cause", kwargs={"cause_uuid": self.cause.uuid}))
        self.assertEqual(
            [lane.url for lane in group.lanes],
            [reverse("formulation:symptom", kwargs={"symptom_uuid": s.uuid}) for s in (self.eased, self.appeared)],
        )
        edit = reverse("formulation:cause_edit", kwargs={"cause_uuid": self.cause.uuid})
        self.assertContains(response, f'<a href="{edit}">Edit and link symptoms')
        symptom = reverse("formulation:symptom", kwargs={"symptom_uuid": self.eased.uuid})
        # The timeline row, the cause's list and the list of all symptoms.
        self.assertContains(response, f'<a href="{symptom}">Panic attacks</a>', count=3)
        self.assertContains(response, "A &lt;harsh&gt; inner critic")
        self.assertNotContains(response, "A <harsh> inner critic")

    def test_a_waiting_insight_reads_its_cause_and_symptoms_from_the_page_without_more_queries(self):
        http = self.as_("therapist")
        http.get(self.url)
        with self.assertNumQueries(self._count(http)):
            Insight.objects.create(
                client=self.w.client_a,
                kind=Insight.Kind.SYMPTOM_SHIFT,
                key="shift",
                cause=self.cause,
                eased_symptom=self.eased,
                appeared_symptom=self.appeared,
                eased_on=date(2026, 3, 1),
                appeared_on=date(2026, 4, 10),
                facts={"how_eased": "resolved", "how_appeared": "appeared"},
            )
            response = http.get(self.url)
        self.assertContains(response, "Panic attacks resolved on 1 Mar 2026")
        self.assertContains(response, "sleep problems appeared on 10 Apr 2026")
        self.assertContains(response, "Both are linked to “A &lt;harsh&gt; inner critic”")
        self.assertContains(response, f"({self.w.client_a.display_name}, 1 Jun 2026)")

    def _count(self, http):
        with CaptureQueriesContext(connection) as captured:
            http.get(self.url)
        return len(captured) + 2  # and the insert, with the caseload's change mark for the client (practice.attention)

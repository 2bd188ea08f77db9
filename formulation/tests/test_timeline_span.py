"""The formulation timeline opens on the last year; the whole history is one link away."""

from datetime import date, timedelta

import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from formulation import services, timeline
from formulation.models import Cause, Symptom, SymptomStatus
from formulation.selectors import formulation_of
from tending.testing.personas import TendingTestCase

TODAY = date(2026, 6, 1)
A_YEAR_AGO = TODAY - timedelta(days=365)


@time_machine.travel("2026-06-01 10:00 +00:00", tick=False)
class TimelineSpanTests(TendingTestCase):
    def setUp(self):
        super().setUp()
        ana = self.w.therapist
        self.symptom = services.symptom_add(
            client=self.w.client_a,
            by=ana,
            kind="anxiety",
            custom_name="Worry",
            status="present",
            severity=7,
            on=date(2023, 3, 1),
        )
        # Monthly records of the same state for three years, then a change within the last year.
        SymptomStatus.objects.bulk_create(
            SymptomStatus(
                symptom=self.symptom,
                status="present",
                severity=7,
                on=date(2023 + m // 12, m % 12 + 1, 15),
                recorded_by=ana,
            )
            for m in range(2, 36)
        )
        SymptomStatus.objects.create(
            symptom=self.symptom, status="easing", severity=3, on=date(2026, 2, 1), recorded_by=ana
        )
        self.url = reverse("formulation:detail", kwargs={"client_uuid": self.w.client_a.uuid})

    def get(self, query=""):
        http = self.as_("therapist")
        http.get(self.url + query)  # warm the session
        with CaptureQueriesContext(connection) as captured:
            response = http.get(self.url + query)
        self.assertEqual(response.status_code, 200)
        return response, len(captured)

    def test_the_timeline_opens_on_the_last_year_and_links_to_the_whole_history(self):
        response, _ = self.get()
        chart = response.context["timeline"]
        self.assertEqual(chart.start, A_YEAR_AGO)
        self.assertContains(response, f"The last year, from {A_YEAR_AGO:%-d %b %Y}")
        self.assertContains(response, "?span=all#timeline-heading")
        (lane,) = chart.groups[0].lanes
        # What was true a year ago is drawn from the left edge, then the change in February.
        self.assertEqual(
            [(s.x, s.status, s.severity) for s in lane.segments][:2],
            [("0", "present", 7), (lane.segments[1].x, "easing", 3)],
        )
        self.assertEqual(len(lane.segments), 2)
        self.assertContains(response, "Present, 7 of 10")

    def test_the_whole_history_starts_at_the_first_record_and_links_back(self):
        response, _ = self.get("?span=all")
        chart = response.context["timeline"]
        self.assertEqual(chart.start, date(2023, 3, 1) - timedelta(days=7))
        self.assertContains(response, "The whole history, from 22 Feb 2023")
        self.assertContains(response, "Show the last year")
        # Three years of the same state, recorded monthly, draw as one bar, then the easing.
        (lane,) = chart.groups[0].lanes
        self.assertEqual([s.status for s in lane.segments], ["present", "easing"])

    def test_the_current_state_is_right_whichever_span_is_shown(self):
        for query in ("", "?span=all"):
            response, _ = self.get(query)
            (symptom,) = response.context["symptoms"]
            self.assertEqual((symptom.current.status, symptom.current.severity), ("easing", 3))
            self.assertContains(response, "Easing, 3 of 10")

    def test_both_spans_cost_the_same_queries(self):
        _, year = self.get()
        _, whole = self.get("?span=all")
        self.assertEqual(year, whole)

    def test_the_last_year_reads_only_the_rows_it_draws(self):
        symptom = Symptom.objects.with_history(since=A_YEAR_AGO).get(pk=self.symptom.pk)
        days = [e.on for e in symptom.entries()]
        # The record in force a year ago, then everything since.
        self.assertEqual(days[0], date(2025, 5, 15))
        self.assertTrue(all(day >= A_YEAR_AGO for day in days[1:]))
        self.assertEqual(len(days), 1 + SymptomStatus.objects.filter(symptom=symptom, on__gte=A_YEAR_AGO).count())

    def test_the_kept_reads_give_what_the_prefetches_gave(self):
        # The page reads through formulation.selectors.formulation_of; the querysets' with_history() stays the rule.
        ana, client = self.w.therapist, self.w.client_a
        other = services.symptom_add(
            client=client, by=ana, kind="sleep_problems", status="present", severity=5, on=date(2024, 1, 3)
        )
        services.cause_add(client=client, by=ana, hypothesis="Old grief", on=date(2023, 4, 1), symptoms=[self.symptom])
        services.cause_add(
            client=client, by=ana, hypothesis="Work", on=date(2025, 9, 1), symptoms=[other, self.symptom]
        )
        services.symptom_add(client=self.w.client_b, by=ana, kind="anger", status="present", severity=2, on=TODAY)

        def said(symptoms, causes):
            return (
                [(s.pk, s.name, [(e.pk, e.on, e.status) for e in s.entries()]) for s in symptoms],
                [(c.pk, c.hypothesis, [e.pk for e in c.entries()], [s.pk for s in c.symptoms.all()]) for c in causes],
            )

        for since in (A_YEAR_AGO, None):
            with self.subTest(since=since):
                expected = said(
                    Symptom.objects.for_client(client).with_history(since=since),
                    Cause.objects.for_client(client).with_history(since=since, client=client),
                )
                with self.assertNumQueries(5):
                    symptoms, causes = formulation_of(client, since=since)
                with self.assertNumQueries(0):
                    self.assertEqual(said(symptoms, causes), expected)
                self.assertEqual(len(expected[1]), 2)

    def test_a_client_new_this_year_sees_no_link_to_earlier_history(self):
        Symptom.objects.all().delete()
        self.w.client_a.created_at = self.w.client_a.created_at.replace(year=2026, month=5, day=1)
        self.w.client_a.save(update_fields=["created_at"])
        services.symptom_add(
            client=self.w.client_a, by=self.w.therapist, kind="anger", status="present", severity=4, on=date(2026, 5, 2)
        )
        response, _ = self.get()
        self.assertEqual(response.context["timeline"].start, date(2026, 4, 25))
        self.assertNotContains(response, "span=all")
        self.assertNotContains(response, "The last year")


def test_a_session_or_score_before_the_span_is_left_out_of_the_drawing():
    chart = timeline.build(
        causes=[],
        symptoms=[],
        session_days=[date(2024, 1, 1), date(2026, 1, 1)],
        scores={},
        today=TODAY,
        since=A_YEAR_AGO,
    )
    assert chart.start == A_YEAR_AGO
    assert chart.earlier
    assert len(chart.sessions) == 1

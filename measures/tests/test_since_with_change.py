"""``since_with_change``: the forms since a moment, each beside the form of the same questionnaire before it."""

import datetime as dt

from measures.models import MeasureResponse
from measures.scoring import total_change
from measures.selectors import since_with_change
from measures.services import measure_response_record
from tending.testing.personas import TendingTestCase

T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


def reference(client, since):
    """Every form read in order, the one before of each questionnaire kept as it goes (the old way)."""
    previous, found = {}, []
    for response in MeasureResponse.objects.filter(client=client).order_by("completed_at", "id"):
        before = previous.get(response.instrument)
        if since is None or response.completed_at > since:
            change = total_change(response.instrument, before.total, response.total) if before else None
            found.append((response.pk, before.total if before else None, change))
        previous[response.instrument] = response
    return found


class SinceWithChangeTests(TendingTestCase):
    def setUp(self):
        cara = self.w.client_a
        forms = [
            ("phq9", [2] * 9, 0),
            ("gad7", [3] * 7, 1),
            ("phq9", [1] * 9, 10),
            ("gad7", [0] * 7, 12),  # the same moment as the next: the lower id comes first
            ("gad7", [1] * 7, 12),
            ("phq9", [0] * 9, 20),
            ("who5", [3] * 5, 21),  # the first WHO-5: nothing before it
        ]
        for instrument, answers, days in forms:
            measure_response_record(
                client=cara, instrument=instrument, answers=answers, completed_at=T0 + dt.timedelta(days=days)
            )

    def shown(self, since):
        return [
            (m["response"].pk, m["before"]["total"] if m["before"] else None, m["change"])
            for m in since_with_change(self.w.client_a, since)
        ]

    def test_each_form_since_a_moment_beside_the_one_before_it(self):
        for days in (None, -1, 0, 5, 11, 12, 15, 20, 30):
            since = None if days is None else T0 + dt.timedelta(days=days)
            with self.subTest(days=days):
                self.assertEqual(self.shown(since), reference(self.w.client_a, since))
        self.assertEqual([before for _pk, before, _change in self.shown(T0 + dt.timedelta(days=11))], [21, 0, 9, None])

    def test_a_total_of_nought_before_still_counts_as_a_form_before(self):
        latest = measure_response_record(
            client=self.w.client_a, instrument="phq9", answers=[1] * 9, completed_at=T0 + dt.timedelta(days=40)
        )
        (row,) = since_with_change(self.w.client_a, T0 + dt.timedelta(days=35))
        self.assertEqual(row["response"].pk, latest.pk)
        self.assertEqual(row["before"], {"total": 0})
        self.assertEqual(row["change"], total_change("phq9", 0, 9))

    def test_another_clients_forms_are_never_before(self):
        measure_response_record(
            client=self.w.client_b, instrument="who5", answers=[5] * 5, completed_at=T0 + dt.timedelta(days=2)
        )
        who5 = [m for m in since_with_change(self.w.client_a, None) if m["response"].instrument == "who5"]
        self.assertEqual([m["before"] for m in who5], [None])

import datetime as dt

from checkins.models import SCALES, SHORT_LABELS, CheckIn
from checkins.selectors import scale_trends
from tending.testing.personas import TendingTestCase

NOW = dt.datetime(2026, 6, 10, 12, 0, tzinfo=dt.UTC)


class ScaleTrendTests(TendingTestCase):
    def test_every_scale_has_a_short_name_for_the_therapist(self):
        self.assertEqual(set(SHORT_LABELS), set(SCALES))

    def test_it_sets_each_answered_scale_beside_the_same_length_of_time_before(self):
        cara = self.w.client_a
        for days, mood, sleep in ((20, 3, None), (10, 6, 4), (2, 8, None)):
            CheckIn.objects.create(
                client=cara, local_date=(NOW - dt.timedelta(days=days)).date(), mood=mood, sleep=sleep
            )
        with self.assertNumQueries(1):
            trends = scale_trends(cara, NOW - dt.timedelta(days=14), NOW)
        self.assertEqual(trends["count"], 2)
        self.assertEqual(
            trends["rows"],
            [{"label": "Mood", "now": 7.0, "then": 3.0}, {"label": "Sleep", "now": 4.0, "then": None}],
        )

    def test_a_stretch_without_check_ins_has_no_rows(self):
        cara = self.w.client_a
        self.assertEqual(scale_trends(cara, NOW - dt.timedelta(days=14), NOW), {"count": 0, "rows": []})
        # Only before the stretch: nothing to set beside it.
        CheckIn.objects.create(client=cara, local_date=(NOW - dt.timedelta(days=20)).date(), mood=5)
        self.assertEqual(scale_trends(cara, NOW - dt.timedelta(days=14), NOW), {"count": 0, "rows": []})
        # Another client's check-ins are never counted.
        CheckIn.objects.create(client=self.w.client_b, local_date=(NOW - dt.timedelta(days=3)).date(), mood=9)
        self.assertEqual(scale_trends(cara, NOW - dt.timedelta(days=14), NOW)["count"], 0)

"""``core.dates.written`` writes a time exactly as the template's ``date`` filter does, for every format it knows."""

import datetime as dt
import zoneinfo

from django.test import SimpleTestCase
from django.utils import dateformat

from core.dates import _WRITERS, written

LONDON = zoneinfo.ZoneInfo("Europe/London")


class WrittenTests(SimpleTestCase):
    def test_each_format_it_knows_reads_as_the_date_filter_writes_it(self):
        # A day and a minute of each kind: single and double digits, midnight, the hour the clocks change, a leap day.
        moments = [
            dt.datetime(2026, 1, 5, 0, 0, tzinfo=LONDON),
            dt.datetime(2026, 3, 29, 1, 30, tzinfo=dt.UTC).astimezone(LONDON),
            dt.datetime(2026, 9, 30, 9, 5, tzinfo=LONDON),
            dt.datetime(2026, 12, 7, 23, 59, tzinfo=LONDON),
            dt.datetime(2028, 2, 29, 12, 0, tzinfo=LONDON),
        ]
        moments += [moments[2] + dt.timedelta(days=n, hours=n) for n in range(1, 40)]
        for date_format in _WRITERS:
            for moment in moments:
                with self.subTest(date_format=date_format, moment=moment):
                    self.assertEqual(written(moment, date_format), dateformat.format(moment, date_format))

    def test_a_day_reads_as_the_date_filter_writes_it(self):
        days = [dt.date(2026, 1, 5) + dt.timedelta(days=n * 11) for n in range(40)]
        for date_format in ("j M Y", "l j F", "l j F Y"):
            for day in days:
                with self.subTest(date_format=date_format, day=day):
                    self.assertEqual(written(day, date_format), dateformat.format(day, date_format))

    def test_any_other_format_goes_through_the_date_filters_parser(self):
        moment = dt.datetime(2026, 12, 7, 9, 5, tzinfo=LONDON)
        self.assertEqual(written(moment, "D d/m/Y P"), "Mon 07/12/2026 9:05 a.m.")

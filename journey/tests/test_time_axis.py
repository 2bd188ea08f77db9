"""The journey's charts place points by date on one time axis, say the span they draw, and read their
figures as people write them (14, not 14.0). The journey PDF's charts do the same."""

import datetime as dt
import json

from django.urls import reverse
from django.utils import timezone

from bookings.models import Appointment
from checkins.models import CheckIn
from journey.charts import Axis, day_number, number
from measures.charts import PAD, WIDTH, journey_charts
from measures.models import MeasureResponse
from measures.scoring import score
from tending.testing.factories import session_for
from tending.testing.personas import TendingTestCase

# PHQ-9 answers and their totals.
FOURTEEN = [2, 2, 2, 2, 2, 2, 1, 1, 0]
NINE = [1, 1, 1, 1, 1, 1, 1, 2, 0]
TEN = [1, 1, 1, 1, 1, 1, 2, 2, 0]
SEVEN = [1, 1, 1, 1, 1, 1, 1, 0, 0]


def when(day: dt.date, *, with_year: bool) -> str:
    return f"{day.day} {day:%B %Y}" if with_year else f"{day.day} {day:%B}"


def caption(start: dt.date, end: dt.date) -> str:
    return f"From {when(start, with_year=start.year != end.year)} to {when(end, with_year=True)}"


class JourneyTimeAxisTests(TendingTestCase):
    def setUp(self):
        super().setUp()
        self.cara = self.w.client_a
        self.zone = self.cara.practice.zone
        self.today = timezone.localtime(timezone.now(), self.zone).date()

    def phq9(self, days_ago: int, answers: list[int]) -> dt.date:
        day = self.today - dt.timedelta(days=days_ago)
        # Early morning in the practice's zone: on that local day, and never later than now.
        at = dt.datetime.combine(day, dt.time(0, 30), tzinfo=self.zone)
        result = score("phq9", answers)
        MeasureResponse.objects.create(
            client=self.cara,
            instrument="phq9",
            instrument_version="test",
            answers=answers,
            completed_at=at,
            total=result["total"],
            band=result["band"],
        )
        return day

    def page(self, range_key: str):
        response = self.as_("client_a").get(reverse("journey:mine") + f"?range={range_key}")
        self.assertEqual(response.status_code, 200)
        # What the page hands the chart script, read back as the script reads it.
        charts = json.loads(json.dumps(response.context["charts"]))
        return response, {chart["id"]: chart for chart in charts}

    def test_points_sit_by_date_so_two_on_one_day_share_a_place_and_gaps_keep_their_length(self):
        first = self.phq9(40, FOURTEEN)
        same_day = self.phq9(30, NINE)
        self.phq9(30, TEN)
        latest = self.phq9(0, SEVEN)
        _response, charts = self.page("year")
        xs = [point["x"] for point in charts["measure-phq9"]["datasets"][0]["data"]]
        self.assertEqual(xs, [day_number(first), day_number(same_day), day_number(same_day), day_number(latest)])
        self.assertEqual(xs[1], xs[2])  # two questionnaires on one day sit together
        # Ten days, then thirty: the second gap is three times the first, as in the calendar.
        self.assertEqual(xs[3] - xs[2], 3 * (xs[1] - xs[0]))

    def test_every_chart_shares_the_axis_of_the_span_chosen_and_its_caption_says_so(self):
        self.phq9(20, FOURTEEN)
        CheckIn.objects.create(client=self.cara, local_date=self.today - dt.timedelta(days=3), mood=6, energy=5)
        for range_key, days in (("week", 7), ("month", 31), ("year", 365)):
            response, charts = self.page(range_key)
            start = self.today - dt.timedelta(days=days - 1)
            expected = caption(start, self.today)
            for chart in charts.values():
                self.assertEqual(chart["caption"], expected)
                self.assertEqual(chart["axis"]["min"], day_number(start))
                self.assertEqual(chart["axis"]["max"], day_number(self.today))
            self.assertContains(response, f'<p class="small chart__span">{expected}</p>')

    def test_all_time_runs_from_the_first_thing_drawn_to_today(self):
        first = self.phq9(100, FOURTEEN)
        self.phq9(0, SEVEN)
        _response, charts = self.page("all")
        chart = charts["measure-phq9"]
        # Across all time each point is its month's mean, drawn on the first of the month.
        month = first.replace(day=1)
        self.assertEqual(chart["axis"]["min"], day_number(month))
        self.assertEqual(chart["caption"], caption(month, self.today))
        self.assertEqual(chart["datasets"][0]["data"][0]["x"], day_number(month))

    def test_ticks_are_month_starts_placed_by_date_across_a_year(self):
        self.phq9(200, FOURTEEN)
        self.phq9(0, SEVEN)
        _response, charts = self.page("year")
        axis = charts["measure-phq9"]["axis"]
        start = self.today - dt.timedelta(days=364)
        days = [EPOCH_PLUS(tick["x"]) for tick in axis["ticks"]]
        self.assertEqual(days, month_starts(start, self.today))
        self.assertGreaterEqual(len(days), 11)  # 364 days hold eleven or twelve month starts
        self.assertEqual(axis["ticks"][-1]["label"], f"{days[-1]:%b}" if days[-1].month != 1 else f"{days[-1]:%b %Y}")

    def test_accessible_names_and_words_round_their_numbers(self):
        first = self.phq9(40, FOURTEEN)
        latest = self.phq9(0, SEVEN)
        response, charts = self.page("year")
        name = charts["measure-phq9"]["name"]
        with_year = (self.today - dt.timedelta(days=364)).year != self.today.year
        self.assertIn(f"PHQ-9 14 on {when(first, with_year=with_year)}, 7 on {when(latest, with_year=with_year)}", name)
        self.assertNotIn("14.0", name)
        self.assertContains(response, f'aria-label="{name}"')
        self.assertContains(response, "From 14 at the start to 7 most recently")
        self.assertNotContains(response, "14.0")
        self.assertEqual([p["shown"] for p in charts["measure-phq9"]["datasets"][0]["data"]], ["14", "7"])

    def test_sessions_are_marked_on_their_own_day(self):
        CheckIn.objects.create(client=self.cara, local_date=self.today - dt.timedelta(days=12), mood=6)
        session_day = self.today - dt.timedelta(days=10)
        session_for(
            self.cara,
            dt.datetime.combine(session_day, dt.time(0, 30), tzinfo=self.zone),
            status=Appointment.Status.COMPLETED,
        )
        _response, charts = self.page("month")
        self.assertEqual(charts["checkin-mind"]["sessions"], [day_number(session_day)])


def EPOCH_PLUS(days: int) -> dt.date:  # noqa: N802 - reads as the inverse of day_number
    return dt.date.fromordinal(dt.date(1970, 1, 1).toordinal() + days)


def month_starts(start: dt.date, end: dt.date) -> list[dt.date]:
    found = []
    month = start.replace(day=1)
    while month <= end:
        if month >= start:
            found.append(month)
        month = (month + dt.timedelta(days=32)).replace(day=1)
    return found


def test_a_figure_reads_as_people_write_it():
    assert number(14.0) == "14"
    assert number(5.25) == "5.2"  # a check-in average keeps one decimal
    assert number(3.41666, "scs_sf") == "3.42"
    assert number(3.5, "scs_sf") == "3.5"


def test_a_caption_names_the_year_of_each_end_only_when_they_differ():
    late = dt.date.today()
    same_year = Axis(start=late.replace(month=1, day=3), end=late.replace(month=12, day=2))
    assert same_year.caption == f"From 3 January to 2 December {late.year}"
    across = Axis(start=late.replace(year=late.year - 1, month=11, day=28), end=late.replace(month=12, day=2))
    assert across.caption == f"From 28 November {across.start.year} to 2 December {late.year}"


def test_the_journey_pdf_places_questionnaires_by_date_under_their_own_name():
    today = dt.date.today()
    days = [today - dt.timedelta(days=n) for n in (40, 30, 30, 0)]
    answers = [
        {"instrument": "gad7", "completed_at": f"{day.isoformat()}T09:{i:02d}:00+00:00", "total": total}
        for i, (day, total) in enumerate(zip(days, (12, 9, 10, 5), strict=True))
    ]
    (chart,) = journey_charts({"questionnaire_answers": answers})
    assert chart["title"] == "GAD-7 totals"
    xs = [x for x, _y in chart["dots"]]
    assert xs[0] == PAD and xs[-1] == WIDTH - PAD
    assert xs[1] == xs[2]
    assert abs((xs[3] - xs[2]) - 3 * (xs[1] - xs[0])) < 0.2  # rounded to a tenth of a point
    assert chart["first"] == f"{days[0].day} {days[0]:%b %Y}"

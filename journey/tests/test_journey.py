import datetime as dt

import time_machine
from django.db import connection
from django.template.defaultfilters import floatformat
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import localize

from audit.models import AuditEvent
from bookings.models import Appointment
from checkins.models import CheckIn
from journey.selectors import build_journey
from measures.instruments import INSTRUMENTS
from measures.models import MeasureResponse
from measures.scoring import score
from measures.services import measure_response_record
from tending.testing.factories import session_for
from tending.testing.personas import TendingTestCase

NOW = dt.datetime(2026, 11, 18, 12, 0, tzinfo=dt.UTC)
ON_POSTGRESQL = connection.vendor == "postgresql"
# session, user (with their client, practice and therapist: accounts.backends), check-ins, sessions,
# questionnaires, first/latest totals, counts. On PostgreSQL the kept reads are one statement (core.compiled.reads_ahead):
# the whole history's sessions and questionnaires by month are the ORM's and run alone.
JOURNEY_QUERIES = 5 if ON_POSTGRESQL else 7
# (The access check reads whether the client was erased with the client, in the same query; the navigation
# counts the therapist's open alerts: one more. On PostgreSQL: the session, the person, the client, the page's reads
# together and the audit row's four.)
THERAPIST_JOURNEY_QUERIES = 8 if ON_POSTGRESQL else 15


def history(client, days: int, *, start_phq=14, end_phq=4, session_hour=10):
    """``days`` of daily check-ins and fortnightly PHQ-9/GAD-7/WHO-5, bulk-created."""
    today = NOW.date()
    CheckIn.objects.bulk_create(
        CheckIn(
            client=client,
            local_date=today - dt.timedelta(days=d),
            mood=(d % 7) + 2,
            energy=5,
            tension=4,
            sleep=6,
            peace=5,
            fulfilment=4,
            self_kindness=min(10, 3 + (days - d) * 5 // max(days, 1)),
        )
        for d in range(days)
    )
    responses = []
    fortnights = max(days // 14, 1)
    for i in range(fortnights):
        at = NOW - dt.timedelta(days=days - 1 - i * 14)
        phq = round(start_phq + (end_phq - start_phq) * i / max(fortnights - 1, 1))
        for instrument, vector in (
            ("phq9", [min(3, max(0, phq - 3 * k)) for k in range(8)] + [0]),
            ("gad7", [1, 1, 1, 1, 1, 1, 0]),
            ("who5", [3, 3, 2, 2, 2]),
        ):
            result = score(instrument, vector)
            responses.append(
                MeasureResponse(
                    client=client,
                    instrument=instrument,
                    instrument_version="test",
                    answers=vector,
                    completed_at=at,
                    total=result["total"],
                    band=result["band"],
                )
            )
    MeasureResponse.objects.bulk_create(responses)
    for i in range(0, days, 7):
        start = (NOW - dt.timedelta(days=i)).replace(hour=session_hour)
        session_for(client, start, status=Appointment.Status.COMPLETED)


class JourneyTests(TendingTestCase):
    def test_the_client_sees_mind_body_soul_and_heart_with_tables_and_plain_words(self):
        history(self.w.client_a, 60)
        with time_machine.travel(NOW, tick=False):
            page = self.as_("client_a").get(reverse("journey:mine") + "?range=month")
        self.assertContains(page, "<h3>Mind</h3>", html=False)
        self.assertContains(page, "<h3>Body</h3>", html=False)
        self.assertContains(page, "<h3>Soul</h3>", html=False)
        self.assertContains(page, "Heart: kindness to myself")
        self.assertContains(page, "Mind as a table")
        self.assertContains(page, 'id="journey-charts"')
        self.assertContains(page, "a change bigger than everyday ups and downs")
        self.assertContains(page, "Dashed lines mark sessions")
        text = page.content.decode().lower()
        for word in ("worse", "failed", "missed", "streak", "no risk", "low risk"):
            self.assertNotIn(word, text)
        # The client never sees the therapist's outcome block or item detail.
        self.assertNotContains(page, "NHS Talking Therapies, PHQ-9 + GAD-7")

    def test_the_therapist_sees_the_outcome_and_item_level_detail_and_the_read_is_audited(self):
        history(self.w.client_a, 60)
        with time_machine.travel(NOW, tick=False):
            page = self.as_("therapist").get(reverse("journey:client", kwargs={"client_uuid": self.w.client_a.uuid}))
        self.assertContains(page, "Outcome (NHS Talking Therapies, PHQ-9 + GAD-7)")
        self.assertContains(page, "Reliable improvement")
        self.assertContains(page, "Latest answers, item by item")
        self.assertContains(page, "Little interest or pleasure in doing things")
        self.assertTrue(AuditEvent.objects.filter(object_type="journey.journey", action="read").exists())

    def test_a_reliable_rise_is_described_gently(self):
        history(self.w.client_a, 60, start_phq=3, end_phq=12)
        with time_machine.travel(NOW, tick=False):
            page = self.as_("client_a").get(reverse("journey:mine"))
        self.assertContains(page, "Hard stretches are part of many journeys")
        self.assertNotContains(page, "worse")

    def test_long_histories_are_aggregated_on_the_server(self):
        history(self.w.client_a, 5 * 365)
        with time_machine.travel(NOW, tick=False):
            year = build_journey(self.w.client_a, "year", now=timezone.now())
            everything = build_journey(self.w.client_a, "all", now=timezone.now())
        self.assertLessEqual(len(year.checkin_rows), 54)
        self.assertLessEqual(len(everything.checkin_rows), 61)
        self.assertLessEqual(len(everything.measures["phq9"]), 61)
        self.assertEqual(everything.checkin_count, 5 * 365)

    def test_an_empty_journey_invites_without_pressure(self):
        page = self.as_("client_b").get(reverse("journey:mine"))
        self.assertContains(page, "No check-ins in this time span.")
        self.assertContains(page, "No questionnaires yet.")

    def test_an_unknown_range_falls_back_to_the_month(self):
        page = self.as_("client_a").get(reverse("journey:mine") + "?range=<script>")
        self.assertContains(page, 'href="?range=month" aria-current="page"')


class QueryCountTests(TendingTestCase):
    """The pages answer with the same number of queries whatever the length of the history."""

    def count(self, persona, url):
        http = self.as_(persona)
        http.get(url)  # warm the session
        with CaptureQueriesContext(connection) as queries:
            self.assertEqual(http.get(url).status_code, 200)
        return len(queries)

    def test_the_journey_page_does_not_grow_with_history(self):
        url = reverse("journey:mine") + "?range=all"
        http = self.as_("client_a")
        http.get(url)
        history(self.w.client_a, 30)
        with self.assertNumQueries(JOURNEY_QUERIES):
            http.get(url)
        history(self.w.client_a, 400, session_hour=8)
        with self.assertNumQueries(JOURNEY_QUERIES):
            http.get(url)

    def test_the_therapists_journey_and_client_pages_do_not_grow_with_history(self):
        journey_url = reverse("journey:client", kwargs={"client_uuid": self.w.client_a.uuid}) + "?range=year"
        record_url = reverse("practice:client_detail", kwargs={"client_uuid": self.w.client_a.uuid})
        history(self.w.client_a, 30)
        small = (self.count("therapist", journey_url), self.count("therapist", record_url))
        history(self.w.client_a, 400, session_hour=8)
        large = (self.count("therapist", journey_url), self.count("therapist", record_url))
        self.assertEqual(small, large)
        # The journey page is ours alone, so its number is pinned too (the audit write is 4 of them on PostgreSQL);
        # the client page also carries other apps' panels, so it is held level rather than pinned.
        http = self.as_("therapist")
        http.get(journey_url)

        # On SQLite the audit append moves the chain's head in a statement of its own (PostgreSQL writes the row
        # and moves the head in one): one more query.
        expected = THERAPIST_JOURNEY_QUERIES + (connection.vendor == "sqlite")
        with self.assertNumQueries(expected):
            http.get(journey_url)


class TableTests(TendingTestCase):
    """The data tables are written in Python once per table; they read as the template's filters wrote them."""

    def page(self, persona, url):
        with time_machine.travel(NOW, tick=False):
            return self.as_(persona).get(url).content.decode()

    def test_checkin_cells_show_averages_and_a_dash_where_a_scale_was_skipped(self):
        CheckIn.objects.create(client=self.w.client_a, local_date=NOW.date(), mood=7, energy=None, peace=5)
        CheckIn.objects.create(client=self.w.client_a, local_date=NOW.date(), mood=4, energy=None, peace=6)
        html = self.page("client_a", reverse("journey:mine") + "?range=week")
        label = NOW.date().strftime("%a %-d %b")
        self.assertInHTML(f'<tr><th scope="row">{label}</th><td>{localize(5.5)}</td></tr>', html)
        self.assertInHTML(f'<tr><th scope="row">{label}</th><td>–</td><td>–</td><td>–</td></tr>', html)
        self.assertInHTML(f'<tr><th scope="row">{label}</th><td>{localize(5.5)}</td><td>–</td></tr>', html)

    def test_the_therapist_sees_each_form_linked_and_the_client_sees_it_as_text(self):
        history(self.w.client_a, 30)
        first = MeasureResponse.objects.filter(client=self.w.client_a, instrument="who5").earliest("completed_at")
        label = timezone.localtime(first.completed_at, self.w.client_a.practice.zone).strftime("%-d %b %Y")
        url = reverse("measures:response", kwargs={"response_uuid": first.uuid})
        band_label = INSTRUMENTS["who5"].band_label(first.band)
        percent = floatformat(first.total * 4, "-1")
        therapist = self.page("therapist", reverse("journey:client", kwargs={"client_uuid": self.w.client_a.uuid}))
        self.assertInHTML(
            f'<tr><th scope="row"><a href="{url}">{label}</a></th><td>{percent}</td><td>{band_label}</td></tr>',
            therapist,
        )
        # Each latest form links to its full scores too.
        latest = MeasureResponse.objects.filter(client=self.w.client_a, instrument="phq9").latest("completed_at")
        self.assertInHTML(
            f'<a href="{reverse("measures:response", kwargs={"response_uuid": latest.uuid})}">Full form and scores</a>',
            therapist,
        )
        client = self.page("client_a", reverse("journey:mine"))
        self.assertInHTML(f'<tr><th scope="row">{label}</th><td>{percent}</td><td>{band_label}</td></tr>', client)
        self.assertNotIn(url, client)

    def test_monthly_means_and_self_compassion_keep_their_decimals(self):
        with time_machine.travel(NOW - dt.timedelta(days=2), tick=False):
            measure_response_record(client=self.w.client_a, instrument="phq9", answers=[1, 1, 1, 1, 1, 0, 0, 0, 0])
            measure_response_record(client=self.w.client_a, instrument="scs_sf", answers=[3] * 6 + [4] * 6)
        with time_machine.travel(NOW - dt.timedelta(days=1), tick=False):
            measure_response_record(client=self.w.client_a, instrument="phq9", answers=[1, 1, 1, 1, 1, 1, 0, 0, 0])
        month = NOW.strftime("%b %Y")
        html = self.page("client_a", reverse("journey:mine") + "?range=all")
        # PHQ-9 5 and 6 average to 5.5; the SCS-SF mean has two decimals.
        self.assertIn(f'<th scope="row">{month}</th><td>{floatformat(5.5, "-1")}</td>', html)
        scs = MeasureResponse.objects.get(client=self.w.client_a, instrument="scs_sf").total
        self.assertIn(f'<th scope="row">{month}</th><td>{floatformat(scs, 2)}</td>', html)

    def test_the_band_legend_shows_each_band_with_its_range(self):
        history(self.w.client_a, 30)
        html = self.page("client_a", reverse("journey:mine"))
        self.assertInHTML('<li><span class="swatch band-swatch band-swatch--1"></span>Minimal: 0–4</li>', html)
        self.assertIn("Severe: 20–27</li>", html)
        self.assertIn("%</li>", html)  # WHO-5 bands are percentages

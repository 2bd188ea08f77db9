"""A read written by the ORM once per shape answers exactly as its queryset does, for any values."""

from datetime import UTC, date, datetime
from unittest import skipUnless
from uuid import UUID

from django.db import connection
from django.db.models import Count, F, Value
from django.db.models.functions import Concat
from django.test import TestCase, override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from core.compiled import CompiledRead, _preparable, counted
from core.models import ScheduledRun
from practice.models import Client, Practice
from risk.models import RiskAlert
from tending.testing.factories import PracticeFactory
from tending.testing.personas import TendingTestCase


def _runs_named(shape, *, first, second):
    (finished_only,) = shape
    runs = ScheduledRun.objects.filter(pk__in=[first, second])
    if finished_only:
        runs = runs.filter(last_finished_at__isnull=False)
    return runs.values("name").annotate(n=Count("pk")).order_by("name")


class CompiledReadTests(TestCase):
    def test_the_rows_are_the_querysets_for_each_values_and_shape(self):
        a = ScheduledRun.objects.create(name="a", last_finished_at="2026-01-01T00:00:00Z")
        b = ScheduledRun.objects.create(name="b")
        ScheduledRun.objects.create(name="c")
        read = CompiledRead(ScheduledRun, _runs_named, {"first": int, "second": int})
        for shape in [(False,), (True,)]:
            for first, second in [(a.pk, b.pk), (b.pk, a.pk), (a.pk, a.pk), (0, b.pk)]:
                expected = [(row["name"], row["n"]) for row in _runs_named(shape, first=first, second=second)]
                self.assertEqual(read.rows(shape, first=first, second=second), expected, (shape, first, second))

    def test_the_query_is_built_once_per_shape(self):
        built = []

        def build(shape, **values):
            built.append(shape)
            return _runs_named(shape, **values)

        read = CompiledRead(ScheduledRun, build, {"first": int, "second": int})
        for _ in range(3):
            read.rows((False,), first=1, second=2)
            read.rows((True,), first=3, second=4)
        self.assertEqual(built, [(False,), (True,)])

    def test_a_value_written_into_the_sql_itself_is_refused(self):
        def build(shape, *, first):
            return ScheduledRun.objects.extra(where=[f"id <> {first}"]).values("name")  # noqa: S610 (the test's point)

        with self.assertRaisesMessage(ValueError, "a stand-in was written into the SQL"):
            CompiledRead(ScheduledRun, build, {"first": int}).rows(first=1)

    def test_a_read_that_would_keep_the_time_it_was_compiled_is_refused(self):
        def build(shape, *, first):
            return ScheduledRun.objects.filter(pk=first, last_started_at__lte=timezone.now()).values("pk")

        with self.assertRaisesMessage(ValueError, "a date or time in the query would be kept"):
            CompiledRead(ScheduledRun, build, {"first": int}).rows(first=1)

    def test_a_count_is_one_row_or_none(self):
        for day in (1, 2, 3):
            PracticeFactory(name=f"practice {day}", crisis_contacts_confirmed_on=date(2026, 3, day))
        read = CompiledRead(
            Practice,
            lambda shape, *, first: counted(
                Practice.objects.filter(crisis_contacts_confirmed_on__gte=first), "crisis_contacts_confirmed_on__year"
            ),
            {"first": date},
        )
        for first, expected in ((date(2026, 3, 1), 3), (date(2026, 3, 3), 1), (date(2026, 4, 1), 0)):
            self.assertEqual(read.row(first=first, default=(0,)), (expected,), first)

    def test_a_read_that_would_keep_the_time_zone_it_was_compiled_in_is_refused(self):
        def build(shape, *, day):
            return ScheduledRun.objects.filter(last_started_at__date=day).values("pk")

        for zone in ("UTC", "Europe/London", "America/New_York"):
            with self.subTest(zone=zone), timezone.override(zone):
                with self.assertRaisesMessage(ValueError, "the time zone in the query would be kept"):
                    CompiledRead(ScheduledRun, build, {"day": date}).rows(day=date(2026, 3, 1))

    def test_columns_are_converted_as_the_orm_converts_them(self):
        ScheduledRun.objects.create(name="a", last_started_at="2026-01-01T09:30:00Z")

        def build(shape, *, first):
            return ScheduledRun.objects.filter(pk__gt=first).values_list("last_started_at", "name")

        rows = CompiledRead(ScheduledRun, build, {"first": int}).rows(first=0)
        self.assertEqual(rows, list(build((), first=0)))
        self.assertEqual(rows[0][0].isoformat(), "2026-01-01T09:30:00+00:00")

    def test_days_are_values_too(self):
        for day in (1, 2, 3):
            PracticeFactory(name=f"practice {day}", crisis_contacts_confirmed_on=date(2026, 3, day))

        def build(shape, *, first, last):
            return Practice.objects.filter(crisis_contacts_confirmed_on__range=(first, last)).values_list("name")

        read = CompiledRead(Practice, build, {"first": date, "last": date})
        for first, last in [
            (date(2026, 3, 1), date(2026, 3, 2)),
            (date(2026, 3, 2), date(2026, 3, 9)),
            (date(2026, 4, 1), date(2026, 4, 2)),
        ]:
            self.assertEqual(
                sorted(read.rows(first=first, last=last)), sorted(build((), first=first, last=last)), (first, last)
            )
        self.assertEqual(len(read.rows(first=date(2026, 3, 1), last=date(2026, 3, 2))), 2)


def _clients_of(shape, *, practice):
    # The shape is how many to read (0: all), or a page's bounds.
    bounds = slice(*shape[-2:]) if len(shape) != 1 else slice(shape[0] or None)
    return (
        Client.objects.filter(practice=practice)
        .select_related("user", "therapist__user")
        .only("uuid", "preferred_name", "user__email", "therapist__user__name")
        .annotate(address=F("user__email"))
        .order_by("pk")[bounds]
    )


class CompiledObjectsTests(TendingTestCase):
    def test_instances_are_the_querysets_with_their_related_rows_and_annotations(self):
        read = CompiledRead(Client, _clients_of, {"practice": int})
        for practice in (self.w.practice, self.w.other_practice):
            for first in (0, 1):
                expected = list(_clients_of((first,), practice=practice.pk))
                found = read.objects((first,), practice=practice.pk)
                self.assertEqual(found, expected)
                self.assertTrue(found)
                with self.assertNumQueries(0):
                    for mine, theirs in zip(found, expected, strict=True):
                        self.assertEqual(mine.user.email, theirs.user.email)
                        self.assertEqual(mine.therapist.user.name, theirs.therapist.user.name)
                        self.assertEqual(mine.address, theirs.user.email)
                        self.assertEqual(mine.get_deferred_fields(), theirs.get_deferred_fields())
                        self.assertFalse(mine._state.adding)

    def test_sealed_text_is_opened_as_the_orm_opens_it(self):
        alert = RiskAlert.objects.create(
            client=self.w.client_a,
            therapist=self.w.therapist,
            source="journal_words",
            escalate_after=timezone.now(),
            acknowledged_at=timezone.now(),
            acknowledged_by=self.w.therapist.user,
            action_taken="other",
            note="We spoke on the phone.",
        )
        read = CompiledRead(
            RiskAlert, lambda shape, *, client: RiskAlert.objects.filter(client=client), {"client": int}
        )
        [found] = read.objects(client=self.w.client_a.pk)
        self.assertEqual((found.pk, found.note), (alert.pk, "We spoke on the phone."))

    def test_a_read_of_values_gives_no_instances(self):
        read = CompiledRead(
            Client,
            lambda shape, *, practice: Client.objects.filter(practice=practice).values_list("pk"),
            {"practice": int},
        )
        with self.assertRaisesMessage(ValueError, "use rows()"):
            read.objects(practice=self.w.practice.pk)

    def test_a_shape_that_matches_nothing_asks_nothing(self):
        read = CompiledRead(Client, _clients_of, {"practice": int})
        pages = read.pages((), practice=self.w.practice.pk)
        with self.assertNumQueries(0):
            self.assertEqual(pages[0:0], [])
        self.assertEqual(pages[0:2], list(_clients_of((2,), practice=self.w.practice.pk)))

    def test_uuids_are_values_and_a_malformed_one_is_a_value_error(self):
        read = CompiledRead(
            Client, lambda shape, *, uuid: Client.objects.filter(uuid=uuid).select_related("user"), {"uuid": UUID}
        )
        for client in (self.w.client_a, self.w.stranger):
            self.assertEqual(read.objects(uuid=client.uuid), [client])
            self.assertEqual(read.objects(uuid=str(client.uuid)), [client])
        self.assertEqual(read.objects(uuid=UUID(int=1)), [])
        with self.assertRaises(ValueError):
            read.objects(uuid="not-a-uuid")


class CompiledTextAndTimeTests(TestCase):
    def test_text_and_times_are_values(self):
        for n in range(3):
            ScheduledRun.objects.create(name=f"job {n}", last_started_at=f"2026-05-0{n + 1}T12:00:00Z")

        def build(shape, *, name, since):
            return ScheduledRun.objects.filter(name__gte=name, last_started_at__gte=since).values_list("name")

        read = CompiledRead(ScheduledRun, build, {"name": str, "since": datetime})
        for name, since in [
            ("job", "2026-05-02T12:00:00Z"),
            ("job 2", "2026-01-01T00:00:00Z"),
            ("nobody", "2026-01-01T00:00:00Z"),
        ]:
            since = datetime.fromisoformat(since)
            self.assertEqual(sorted(read.rows(name=name, since=since)), sorted(build((), name=name, since=since)))
        self.assertEqual(len(read.rows(name="job", since=datetime(2026, 5, 2, 12, tzinfo=UTC))), 2)
        with self.assertRaises(TypeError):
            read.rows(name="job", since=datetime(2026, 5, 2, 12))

    def test_a_value_its_lookup_changes_is_refused(self):
        def build(shape, *, name):
            return ScheduledRun.objects.filter(name__startswith=name).values_list("name")

        with self.assertRaisesMessage(ValueError, "a value is sent changed by its lookup"):
            CompiledRead(ScheduledRun, build, {"name": str}).rows(name="job")


class CompiledFirstAndRowTests(TestCase):
    def test_the_first_instance_or_none_and_the_first_row_or_a_default(self):
        run = ScheduledRun.objects.create(name="only")

        def build(shape, *, first):
            return ScheduledRun.objects.filter(pk=first)

        read = CompiledRead(ScheduledRun, build, {"first": int})
        self.assertEqual(read.first(first=run.pk), run)
        self.assertIsNone(read.first(first=run.pk + 1))
        sums = CompiledRead(
            ScheduledRun,
            lambda shape, *, first: ScheduledRun.objects.filter(pk=first)
            .values("name")
            .annotate(n=Count("pk"))
            .values_list("name", "n"),
            {"first": int},
        )
        self.assertEqual(sums.row(first=run.pk, default=("", 0)), ("only", 1))
        self.assertEqual(sums.row(first=run.pk + 1, default=("", 0)), ("", 0))


def _prepared(statement_part: str) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements WHERE statement LIKE %s", [f"%{statement_part}%"])
        return [row[0] for row in cursor.fetchall()]


@skipUnless(connection.vendor == "postgresql", "prepared statements are PostgreSQL's")
class PreparedReadTests(TestCase):
    """On PostgreSQL a kept read is a prepared statement: planned once per connection, answering as the ORM does."""

    def test_a_kept_read_is_prepared_once_and_answers_for_every_value(self):
        runs = [ScheduledRun.objects.create(name=name) for name in "abcdefgh"]
        read = CompiledRead(
            ScheduledRun, lambda shape, *, run: ScheduledRun.objects.filter(pk=run).values_list("name"), {"run": int}
        )
        # Past the server's first five (custom) plans, when it may keep a generic one.
        for _ in range(2):
            for run in runs:
                self.assertEqual(read.rows(run=run.pk), [(run.name,)])
        self.assertEqual(read.rows(run=0), [])
        self.assertEqual(len(_prepared('FROM "core_scheduledrun" WHERE "core_scheduledrun"."id" = $1')), 1)

    def test_the_query_log_writes_a_prepared_read_with_its_values(self):
        run = ScheduledRun.objects.create(name="logged")
        read = CompiledRead(
            ScheduledRun, lambda shape, *, name: ScheduledRun.objects.filter(name=name).values_list("pk"), {"name": str}
        )
        with CaptureQueriesContext(connection) as queries:
            self.assertEqual(read.rows(name="logged"), [(run.pk,)])
        self.assertEqual(len(queries.captured_queries), 1)
        self.assertIn('"core_scheduledrun"."name" = \'logged\'', queries.captured_queries[0]["sql"])

    def test_a_grouped_read_with_a_parameter_in_select_answers_as_the_orm(self):
        # Django groups by the column's position ("GROUP BY 1"), so the parameter is bound once.
        ScheduledRun.objects.create(name="grouped")
        read = CompiledRead(
            ScheduledRun,
            lambda shape, *, run: ScheduledRun.objects.filter(pk__gte=run)
            .values(label=Concat(F("name"), Value("!")))
            .annotate(n=Count("pk"))
            .values_list("label", "n"),
            {"run": int},
        )
        for _ in range(7):
            self.assertEqual(read.rows(run=0), [("grouped!", 1)])

    def test_a_parameter_after_group_by_is_not_prepared(self):
        # The server would bind a parameter in SELECT and the same one in GROUP BY as two and refuse the grouping
        # (Django's ticket #34255): such SQL is sent as Django sends it.
        grouped = 'SELECT ("a" || %s) AS "x", COUNT(*) FROM "t" WHERE "b" = %s GROUP BY ("a" || %s)'
        self.assertFalse(_preparable(connection, grouped))
        self.assertTrue(_preparable(connection, 'SELECT ("a" || %s) AS "x", COUNT(*) FROM "t" GROUP BY 1'))
        self.assertTrue(_preparable(connection, 'SELECT "a" FROM "t" WHERE "b" = %s ORDER BY "a"'))
        self.assertFalse(_preparable(connection, 'SELECT DISTINCT "a" FROM "t" ORDER BY ("a" = %s)'))

    @override_settings(TENDING_PREPARED_READS=False)
    def test_turned_off_nothing_is_prepared(self):
        run = ScheduledRun.objects.create(name="plain")
        read = CompiledRead(
            ScheduledRun,
            lambda shape, *, run: ScheduledRun.objects.filter(pk=run, name="plain").values_list("name"),
            {"run": int},
        )
        for _ in range(7):
            self.assertEqual(read.rows(run=run.pk), [("plain",)])
        self.assertEqual(_prepared('"core_scheduledrun"."name" = $2'), [])

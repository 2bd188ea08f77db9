"""A read written by the ORM once per shape answers exactly as its queryset does, for any values."""

from datetime import date

from django.db.models import Count
from django.test import TestCase
from django.utils import timezone

from core.compiled import CompiledRead
from core.models import ScheduledRun


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

    def test_columns_are_converted_as_the_orm_converts_them(self):
        ScheduledRun.objects.create(name="a", last_started_at="2026-01-01T09:30:00Z")

        def build(shape, *, first):
            return ScheduledRun.objects.filter(pk__gt=first).values_list("last_started_at", "name")

        rows = CompiledRead(ScheduledRun, build, {"first": int}).rows(first=0)
        self.assertEqual(rows, list(build((), first=0)))
        self.assertEqual(rows[0][0].isoformat(), "2026-01-01T09:30:00+00:00")

    def test_days_are_values_too(self):
        for day in (1, 2, 3):
            ScheduledRun.objects.create(name=f"run {day}", last_finished_at=f"2026-03-0{day}T23:30:00Z")

        def build(shape, *, first, last):
            return ScheduledRun.objects.filter(last_finished_at__date__range=(first, last)).values_list("name")

        read = CompiledRead(ScheduledRun, build, {"first": date, "last": date})
        for first, last in [
            (date(2026, 3, 1), date(2026, 3, 2)),
            (date(2026, 3, 2), date(2026, 3, 9)),
            (date(2026, 4, 1), date(2026, 4, 2)),
        ]:
            self.assertEqual(
                sorted(read.rows(first=first, last=last)), sorted(build((), first=first, last=last)), (first, last)
            )
        self.assertEqual(len(read.rows(first=date(2026, 3, 1), last=date(2026, 3, 2))), 2)

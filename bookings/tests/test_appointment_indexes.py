"""Appointments are found by practice, therapist or client through indexes that also order by start, and no
narrower index beside them (bookings/migrations/0013 and 0014): a narrower one misled PostgreSQL's generic plan.
A therapist's requests have a partial index, which the therapist's home's kept read can use on its generic plan."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test import TestCase
from django.utils import timezone

from bookings.models import Appointment
from caseload.selectors import _REQUESTED_AFTER
from tending.testing.personas import TendingTestCase


class AppointmentIndexTests(TestCase):
    def test_each_owner_of_an_appointment_is_read_by_start_and_has_no_index_of_its_own(self):
        with connection.cursor() as cursor:
            constraints = connection.introspection.get_constraints(cursor, Appointment._meta.db_table)
        indexed = [info["columns"] for info in constraints.values() if info["index"] and not info["unique"]]
        for column in ("practice_id", "therapist_id", "client_id"):
            with self.subTest(column=column):
                self.assertIn([column, "start"], indexed)
                self.assertNotIn([column], indexed)


def generic_plan(read, **values) -> str:
    """PostgreSQL's generic plan of the kept read ``read`` (as a prepared statement keeps it after five runs), with
    sequential scans ruled out so that the small test tables cannot hide whether an index is usable."""
    sql, params = read.statement(**values)
    numbered = sql
    for position in range(1, len(params) + 1):
        numbered = numbered.replace("%s", f"${position}", 1)
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL plan_cache_mode = force_generic_plan")
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"PREPARE generic_plan_test AS {numbered}")
        try:
            cursor.execute(f"EXPLAIN EXECUTE generic_plan_test({', '.join(['%s'] * len(params))})", params)
            return "\n".join(row[0] for row in cursor.fetchall())
        finally:
            cursor.execute("DEALLOCATE generic_plan_test")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="generic plans are PostgreSQL's")
class RequestedPlanTests(TendingTestCase):
    def test_the_later_requests_of_a_therapist_are_read_through_their_partial_index(self):
        plan = generic_plan(_REQUESTED_AFTER, therapist=self.w.therapist.pk, after=timezone.now() + timedelta(days=7))
        self.assertIn("bookings_appt_requested_by_th", plan)

"""The migrations that seal check-in feelings, questionnaire answers and intake details convert rows already there."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from checkins.models import CheckIn
from measures.models import MeasureResponse
from onboarding.models import Intake
from tending.testing.factories import ClientFactory

BEFORE = [
    ("checkins", "0001_initial"),
    ("measures", "0001_initial"),
    ("onboarding", "0003_consent_checkin_risk_alerts"),
]


def _raw(table, column, pk):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [pk])  # noqa: S608  # nosec B608
        return str(cursor.fetchone()[0])


@pytest.mark.django_db(transaction=True)
def test_rows_written_before_sealing_are_sealed_bound_to_their_row_and_still_read_the_same():
    client = ClientFactory()
    executor = MigrationExecutor(connection)
    latest = executor.loader.graph.leaf_nodes()
    try:
        executor.migrate(BEFORE)
        old = executor.loader.project_state(BEFORE).apps
        checkin = old.get_model("checkins", "CheckIn").objects.create(
            client_id=client.pk, local_date=datetime.date(2026, 1, 5), feelings=["hopeful"], body_areas=["jaw"]
        )
        response = old.get_model("measures", "MeasureResponse").objects.create(
            client_id=client.pk,
            instrument="gad7",
            instrument_version="1",
            answers=[3, 2, 1, 0, 3, 2, 1],
            difficulty="somewhat",
            total=12,
            band="moderate",
        )
        intake = old.get_model("onboarding", "Intake").objects.create(
            client_id=client.pk,
            gp_details="Dr Rowan",
            pronouns="they/them",
            date_of_birth=datetime.date(1984, 7, 9),
            updated_at=timezone.now(),
        )
        assert "hopeful" in _raw("checkins_checkin", "feelings", checkin.pk)  # plain before
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(latest)

    assert CheckIn.objects.get(pk=checkin.pk).feelings == ["hopeful"]
    assert CheckIn.objects.get(pk=checkin.pk).body_areas == ["jaw"]
    sealed = MeasureResponse.objects.get(pk=response.pk)
    assert (sealed.answers, sealed.difficulty, sealed.total) == ([3, 2, 1, 0, 3, 2, 1], "somewhat", 12)
    intake = Intake.objects.get(pk=intake.pk)
    assert intake.uuid is not None
    assert (intake.pronouns, intake.date_of_birth) == ("they/them", datetime.date(1984, 7, 9))
    assert intake.gp_details == "Dr Rowan"  # sealed as v1 back then, and still open
    assert _raw("onboarding_intake", "gp_details", intake.pk).startswith("v1:")

    for table, column, pk, secret in (
        ("checkins_checkin", "feelings", checkin.pk, "hopeful"),
        ("checkins_checkin", "body_areas", checkin.pk, "jaw"),
        ("measures_measureresponse", "answers", response.pk, "3, 2"),
        ("measures_measureresponse", "difficulty", response.pk, "somewhat"),
        ("onboarding_intake", "pronouns", intake.pk, "they"),
        ("onboarding_intake", "date_of_birth", intake.pk, "1984"),
    ):
        stored = _raw(table, column, pk)
        assert stored.startswith("v2:"), (table, column)
        assert secret not in stored

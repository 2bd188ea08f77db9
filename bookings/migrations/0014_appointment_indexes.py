import django.db.models.deletion
from django.db import migrations, models
from django.db.models import Q

# The single-column indexes Django made for the two foreign keys, by the names it gave them on both databases.
_DROPPED = (
    ("bookings_appointment_practice_id_7b379b00", "practice_id"),
    ("bookings_appointment_therapist_id_9957b57d", "therapist_id"),
)


class Migration(migrations.Migration):
    """The practice's and the therapist's appointments are read through (practice, start) and (therapist, start),
    and a therapist's requests through a partial index of their own.

    The single-column indexes are dropped by name, as 0013 dropped the client's: altering the fields would rebuild the
    table on SQLite (dropping its overlap triggers with it) and drop and re-check the foreign keys on PostgreSQL, for
    an index only.
    """

    dependencies = [
        ("bookings", "0013_appointment_client_by_start"),
        ("practice", "0008_client_change_marks"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="appointment",
                    name="practice",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="appointments",
                        to="practice.practice",
                    ),
                ),
                migrations.AlterField(
                    model_name="appointment",
                    name="therapist",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="appointments",
                        to="practice.staffmember",
                    ),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    f'DROP INDEX IF EXISTS "{index}"',
                    f'CREATE INDEX IF NOT EXISTS "{index}" ON "bookings_appointment" ("{column}")',
                )
                for index, column in _DROPPED
            ],
        ),
        migrations.AddIndex(
            model_name="appointment",
            index=models.Index(
                condition=Q(status="requested"),
                fields=["therapist", "start"],
                name="bookings_appt_requested_by_th",
            ),
        ),
    ]

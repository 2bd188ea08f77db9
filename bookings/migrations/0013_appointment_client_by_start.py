import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    """The client's appointments are read through the (client, start) index alone (bookings/models.py).

    The index is dropped by name rather than by altering the field: altering it would rebuild the table on SQLite
    (dropping its overlap triggers with it) and drop and re-check the foreign key on PostgreSQL, for an index only.
    """

    dependencies = [
        ("bookings", "0012_appointment_requested"),
        ("practice", "0008_client_change_marks"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="appointment",
                    name="client",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="appointments",
                        to="practice.client",
                    ),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    'DROP INDEX IF EXISTS "bookings_appointment_client_id_b6950817"',
                    'CREATE INDEX IF NOT EXISTS "bookings_appointment_client_id_b6950817" '
                    'ON "bookings_appointment" ("client_id")',
                ),
            ],
        ),
    ]

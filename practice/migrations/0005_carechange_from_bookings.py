# CareChange, made by bookings 0004 in the table bookings_carechange, now belongs to practice. The
# table is not touched: practice takes the model into its state after bookings lets it go.

import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("practice", "0004_record_openings_sealed_reason"),
        ("bookings", "0007_carechange_moves_to_practice"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="CareChange",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "status",
                            models.CharField(
                                choices=[("active", "Active"), ("paused", "Paused"), ("ended", "Ended")], max_length=10
                            ),
                        ),
                        ("since", models.DateField()),
                        ("changed_at", models.DateTimeField(default=django.utils.timezone.now)),
                        (
                            "changed_by",
                            models.ForeignKey(
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to="practice.staffmember",
                            ),
                        ),
                        (
                            "client",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="care_changes",
                                to="practice.client",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "bookings_carechange",
                        "ordering": ["-since", "-changed_at"],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]

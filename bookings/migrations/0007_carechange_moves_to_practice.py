# Care status (CareChange) moved to practice, which owns Client. The table stays as it is
# (practice.CareChange keeps db_table "bookings_carechange"): only the migration state moves.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("bookings", "0006_hash_feed_tokens"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="CareChange")],
            database_operations=[],
        ),
    ]

"""Two active appointments of one therapist never overlap, enforced by the database.

PostgreSQL: an exclusion constraint over (therapist, [start, blocked_until)) for
rows that are not cancelled, using btree_gist for the equality part.
SQLite: triggers that refuse an insert or update whose blocked span meets another
active one; transactions begin IMMEDIATE, so the check and the write happen
under the single writer lock and cannot interleave.
"""

from django.db import migrations

PG_CREATE = """
ALTER TABLE bookings_appointment ADD CONSTRAINT appointment_no_overlap
EXCLUDE USING gist (
    therapist_id WITH =,
    tstzrange("start", blocked_until, '[)') WITH &&
) WHERE (status <> 'cancelled');
"""
PG_DROP = "ALTER TABLE bookings_appointment DROP CONSTRAINT IF EXISTS appointment_no_overlap;"

SQLITE_CHECK = """
SELECT RAISE(ABORT, 'appointment_no_overlap')
WHERE NEW.status <> 'cancelled' AND EXISTS (
    SELECT 1 FROM bookings_appointment AS other
    WHERE other.therapist_id = NEW.therapist_id
      AND other.id <> NEW.id
      AND other.status <> 'cancelled'
      AND other."start" < NEW.blocked_until
      AND other.blocked_until > NEW."start"
);
"""
SQLITE_CREATE = [
    f"CREATE TRIGGER appointment_no_overlap_insert BEFORE INSERT ON bookings_appointment BEGIN {SQLITE_CHECK} END;",
    'CREATE TRIGGER appointment_no_overlap_update BEFORE UPDATE OF therapist_id, "start", blocked_until, status '
    f"ON bookings_appointment BEGIN {SQLITE_CHECK} END;",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS appointment_no_overlap_insert;",
    "DROP TRIGGER IF EXISTS appointment_no_overlap_update;",
]


def create(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS btree_gist;")
        schema_editor.execute(PG_CREATE)
    elif vendor == "sqlite":
        for statement in SQLITE_DROP + SQLITE_CREATE:
            schema_editor.execute(statement)


def drop(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_DROP)
    elif vendor == "sqlite":
        for statement in SQLITE_DROP:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("bookings", "0001_initial")]

    operations = [migrations.RunPython(create, drop, elidable=False)]

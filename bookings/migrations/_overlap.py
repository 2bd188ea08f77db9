"""Shared by migrations that rebuild bookings_appointment on SQLite (a rebuild drops triggers)."""

import importlib


def create_sqlite_only(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    overlap = importlib.import_module("bookings.migrations.0002_no_overlapping_appointments")
    for statement in overlap.SQLITE_DROP + overlap.SQLITE_CREATE:
        schema_editor.execute(statement)

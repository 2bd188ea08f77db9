import json

from django.db import migrations

import core.crypto


def _as_json(raw) -> str:
    # SQLite held the JSON as text; PostgreSQL's jsonb has just been cast to text by AlterField.
    return json.dumps(json.loads(raw) if isinstance(raw, str) else raw, separators=(",", ":"))


def seal(apps, schema_editor):
    """Seal what earlier check-ins chose, bound to each check-in's uuid (raw SQL: see core.crypto.seal_rows)."""
    for column in ("feelings", "body_areas"):
        core.crypto.seal_rows(
            schema_editor,
            table="checkins_checkin",
            column=column,
            context=f"checkins.checkin.{column}",
            to_text=_as_json,
        )


def unseal(apps, schema_editor):
    for column in ("feelings", "body_areas"):
        core.crypto.open_rows(
            schema_editor, table="checkins_checkin", column=column, context=f"checkins.checkin.{column}"
        )


class Migration(migrations.Migration):
    dependencies = [
        ("checkins", "0001_initial"),
    ]

    operations = [
        migrations.AlterField(
            model_name="checkin",
            name="body_areas",
            field=core.crypto.EncryptedJSONField(blank=True, default=list),
        ),
        migrations.AlterField(
            model_name="checkin",
            name="feelings",
            field=core.crypto.EncryptedJSONField(blank=True, default=list),
        ),
        migrations.RunPython(seal, unseal),
    ]

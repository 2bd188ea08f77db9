import json

from django.db import migrations

import core.crypto


def _as_json(raw) -> str:
    # SQLite held the JSON as text; PostgreSQL's jsonb has just been cast to text by AlterField.
    return json.dumps(json.loads(raw) if isinstance(raw, str) else raw, separators=(",", ":"))


def seal(apps, schema_editor):
    """Seal every stored questionnaire's item answers, bound to the response's uuid (raw SQL)."""
    core.crypto.seal_rows(
        schema_editor,
        table="measures_measureresponse",
        column="answers",
        context="measures.measureresponse.answers",
        to_text=_as_json,
    )
    core.crypto.seal_rows(
        schema_editor,
        table="measures_measureresponse",
        column="difficulty",
        context="measures.measureresponse.difficulty",
    )


def unseal(apps, schema_editor):
    for column in ("answers", "difficulty"):
        core.crypto.open_rows(
            schema_editor,
            table="measures_measureresponse",
            column=column,
            context=f"measures.measureresponse.{column}",
        )


class Migration(migrations.Migration):
    dependencies = [
        ("measures", "0001_initial"),
    ]

    operations = [
        migrations.AlterField(
            model_name="measureresponse",
            name="answers",
            field=core.crypto.EncryptedJSONField(),
        ),
        migrations.AlterField(
            model_name="measureresponse",
            name="difficulty",
            field=core.crypto.EncryptedTextField(
                blank=True,
                choices=[
                    ("not_difficult", "Not difficult at all"),
                    ("somewhat", "Somewhat difficult"),
                    ("very", "Very difficult"),
                    ("extremely", "Extremely difficult"),
                ],
                default="",
                max_length=16,
            ),
        ),
        migrations.RunPython(seal, unseal),
    ]

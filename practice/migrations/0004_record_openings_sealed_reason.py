from django.db import migrations, models

import core.crypto

CONTEXT = "practice.emergencyaccess.reason"


def seal_reasons(apps, schema_editor):
    """Seal the reasons already written in plain text, bound to each row's uuid.

    Read and written raw (core.crypto.seal_rows): the field now expects sealed text.
    """
    core.crypto.seal_rows(schema_editor, table="practice_emergencyaccess", column="reason", context=CONTEXT)


def open_reasons(apps, schema_editor):
    core.crypto.open_rows(schema_editor, table="practice_emergencyaccess", column="reason", context=CONTEXT)


class Migration(migrations.Migration):
    dependencies = [
        ("practice", "0003_practice_risk_procedure"),
    ]

    operations = [
        migrations.AddField(
            model_name="practice",
            name="record_openings_show_therapist",
            field=models.BooleanField(
                default=True, help_text="Clients see, one line a day, the days their therapist read their record."
            ),
        ),
        migrations.AlterField(
            model_name="emergencyaccess",
            name="reason",
            field=core.crypto.EncryptedTextField(max_length=1000),
        ),
        migrations.RunPython(seal_reasons, open_reasons),
    ]

import uuid

from django.db import migrations, models

import core.crypto


def give_each_intake_a_uuid(apps, schema_editor):
    Intake = apps.get_model("onboarding", "Intake")
    for intake in Intake.objects.filter(uuid__isnull=True).only("pk").iterator(chunk_size=500):
        Intake.objects.filter(pk=intake.pk).update(uuid=uuid.uuid4())


def seal(apps, schema_editor):
    """Seal pronouns and date of birth, bound to each intake's new uuid (raw SQL: see core.crypto.seal_rows)."""
    for column in ("pronouns", "date_of_birth"):
        # A date comes back as text on both engines now (AlterField cast it): ISO 8601, as the field writes.
        core.crypto.seal_rows(
            schema_editor, table="onboarding_intake", column=column, context=f"onboarding.intake.{column}"
        )


def unseal(apps, schema_editor):
    for column in ("pronouns", "date_of_birth"):
        core.crypto.open_rows(
            schema_editor, table="onboarding_intake", column=column, context=f"onboarding.intake.{column}"
        )


class Migration(migrations.Migration):
    dependencies = [
        ("onboarding", "0003_consent_checkin_risk_alerts"),
    ]

    operations = [
        # A unique uuid for rows that exist, in three steps (Django's "migrations that add unique fields").
        migrations.AddField(
            model_name="intake",
            name="uuid",
            field=models.UUIDField(null=True, editable=False),
        ),
        migrations.RunPython(give_each_intake_a_uuid, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="intake",
            name="uuid",
            field=models.UUIDField(default=uuid.uuid4, editable=False, unique=True),
        ),
        migrations.AlterField(
            model_name="intake",
            name="date_of_birth",
            field=core.crypto.EncryptedDateField(blank=True, null=True),
        ),
        migrations.AlterField(
            model_name="intake",
            name="pronouns",
            field=core.crypto.EncryptedTextField(blank=True, default="", max_length=40),
        ),
        migrations.RunPython(seal, unseal),
    ]

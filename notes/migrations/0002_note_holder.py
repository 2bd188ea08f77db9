import django.db.models.deletion
from django.db import migrations, models
from django.db.models import F


def holder_is_author(apps, schema_editor):
    apps.get_model("notes", "SessionNote").objects.update(holder=F("author"))


class Migration(migrations.Migration):
    dependencies = [
        ("notes", "0001_initial"),
        ("practice", "0002_away_periods"),
    ]

    operations = [
        migrations.AddField(
            model_name="sessionnote",
            name="holder",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="held_notes",
                to="practice.staffmember",
            ),
        ),
        migrations.RunPython(holder_is_author, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="sessionnote",
            name="holder",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT, related_name="held_notes", to="practice.staffmember"
            ),
        ),
        migrations.AddIndex(
            model_name="sessionnote",
            index=models.Index(fields=["holder", "client"], name="notes_sessi_holder__48a46d_idx"),
        ),
    ]

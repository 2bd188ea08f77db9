from django.db import migrations, models


class Migration(migrations.Migration):
    """The lists of a practice's clients by name take their first page from an index of names."""

    dependencies = [("accounts", "0005_user_pronouns")]

    operations = [
        migrations.AddIndex(
            model_name="user",
            index=models.Index(fields=["name", "id"], name="accounts_user_name"),
        ),
    ]

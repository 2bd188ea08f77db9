# The guided exercise is called Exercise in code, so that "practice" means only the business.
# Nothing changes in the database: the models keep their tables (db_table) and every column,
# index and constraint keeps its name. RenameModel stays top-level so that Django renames the
# content types too; with db_table set on both sides it issues no SQL (checked with sqlmigrate
# on SQLite and PostgreSQL).

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("mindfulness", "0001_initial"),
        ("practice", "0001_initial"),
    ]

    operations = [
        migrations.AlterModelTable(name="custompractice", table="mindfulness_custompractice"),
        migrations.AlterModelTable(name="practicelog", table="mindfulness_practicelog"),
        migrations.RenameModel(old_name="CustomPractice", new_name="CustomExercise"),
        migrations.RenameModel(old_name="PracticeLog", new_name="ExerciseLog"),
        migrations.AlterField(
            model_name="customexercise",
            name="author",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT, related_name="own_exercises", to="practice.staffmember"
            ),
        ),
        migrations.AlterField(
            model_name="exerciselog",
            name="client",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE, related_name="exercise_logs", to="practice.client"
            ),
        ),
        migrations.AlterField(
            model_name="recommendation",
            name="client",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="exercise_recommendations",
                to="practice.client",
            ),
        ),
    ]

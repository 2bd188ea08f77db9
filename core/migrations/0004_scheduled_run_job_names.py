# Periodic jobs are named <app>_<job> (issue 16). The clock keeps when each job last ran under its
# name, so the stored names follow; otherwise every renamed job would count as never run, run at
# once and show as late on /healthz/jobs until it did. bookings_tick became two jobs: its last run
# is bookings_reminders' (the purge is idempotent and simply runs on the first tick).

from django.db import migrations

RENAMED = {
    "bookings_tick": "bookings_reminders",
    "measures due": "measures_due",
    "send_selfcare_reminders": "selfcare_reminders",
    "retention": "dataprivacy_retention",
}


def _rename(apps, names: dict[str, str]) -> None:
    ScheduledRun = apps.get_model("core", "ScheduledRun")
    for old, new in names.items():
        # A clock started on the new names before this ran has its own row: that one is current.
        if ScheduledRun.objects.filter(name=new).exists():
            ScheduledRun.objects.filter(name=old).delete()
        else:
            ScheduledRun.objects.filter(name=old).update(name=new)


def forwards(apps, schema_editor):
    _rename(apps, RENAMED)


def backwards(apps, schema_editor):
    _rename(apps, {new: old for old, new in RENAMED.items()})


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0003_scheduled_run_finished"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]

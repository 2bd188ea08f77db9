from django.core.management.base import BaseCommand

from risk.jobs import checks


class Command(BaseCommand):
    help = (
        "Run every pending risk check that is due (retrying those that failed), and check drafts with "
        "risk words left unsaved for 30 minutes. Run every minute by the clock."
    )

    def handle(self, *args, **options):
        self.stdout.write(f"Finished {checks()} risk check(s).")

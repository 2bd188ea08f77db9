from django.core.management.base import BaseCommand

from risk.checks import risk_checks_run


class Command(BaseCommand):
    help = (
        "Run every pending risk check that is due (retrying those that failed), and check drafts with "
        "risk words left unsaved for 30 minutes. Run every minute by the clock."
    )

    def handle(self, *args, **options):
        count = risk_checks_run()
        self.stdout.write(f"Finished {count} risk check(s).")

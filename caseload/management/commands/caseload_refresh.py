from django.core.management.base import BaseCommand

from caseload.jobs import refresh as caseload_refresh


class Command(BaseCommand):
    help = (
        "Refresh the caseload's stored facts that are about to change with time alone, or were marked changed, "
        "or are missing. Run every 15 minutes."
    )

    def handle(self, *args, **options):
        self.stdout.write(f"Refreshed the caseload facts of {caseload_refresh()} client(s).")

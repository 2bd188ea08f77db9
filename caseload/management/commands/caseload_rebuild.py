from django.core.management.base import BaseCommand

from caseload.jobs import rebuild


class Command(BaseCommand):
    help = "Recompute every client's stored caseload facts from the domains (safe at any time; on the primary)."

    def handle(self, *args, **options):
        self.stdout.write(f"Rebuilt the caseload facts of {rebuild()} client(s).")

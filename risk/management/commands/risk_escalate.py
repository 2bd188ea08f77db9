from django.core.management.base import BaseCommand

from risk.jobs import escalate


class Command(BaseCommand):
    help = "Send open risk alerts whose time has come to the practice owner (safe to run from cron as a backstop)."

    def handle(self, *args, **options):
        self.stdout.write(f"Escalated {escalate()} alert(s).")

from django.core.management.base import BaseCommand

from risk.services import risk_escalate_due


class Command(BaseCommand):
    help = "Send open risk alerts whose time has come to the practice owner (safe to run from cron as a backstop)."

    def handle(self, *args, **options):
        count = risk_escalate_due()
        self.stdout.write(f"Escalated {count} alert(s).")

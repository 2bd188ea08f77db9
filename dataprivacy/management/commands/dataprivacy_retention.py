from django.core.management.base import BaseCommand

from dataprivacy.jobs import retention
from dataprivacy.services import retention_run


class Command(BaseCommand):
    help = "Queue the daily retention job (the clock runs it daily); --now runs it here instead."

    def add_arguments(self, parser):
        parser.add_argument("--now", action="store_true", help="Run in this process rather than on the worker.")

    def handle(self, *args, now=False, **options):
        if now:
            self.stdout.write(f"Retention: {retention_run()}")
        else:
            self.stdout.write(f"Queued the retention job ({retention()}).")

from django.core.management.base import BaseCommand

from dataprivacy.tasks import retention_daily


class Command(BaseCommand):
    help = "Queue the daily retention job (from cron once a day); --now runs it here instead."

    def add_arguments(self, parser):
        parser.add_argument("--now", action="store_true", help="Run in this process rather than on the worker.")

    def handle(self, *args, now=False, **options):
        if now:
            from dataprivacy.services import retention_run

            self.stdout.write(f"Retention: {retention_run()}")
        else:
            result = retention_daily.enqueue()
            self.stdout.write(f"Queued the retention job ({result.id}).")

import json

from django.core.management.base import BaseCommand

from bookings.periodic import tick


class Command(BaseCommand):
    help = (
        "Enqueue due appointment reminders and check-in nudges for the worker, and delete unconverted "
        "consultation requests older than 90 days. Run every 15 minutes (cron or a systemd timer)."
    )

    def handle(self, *args, **options):
        self.stdout.write(json.dumps(tick()))

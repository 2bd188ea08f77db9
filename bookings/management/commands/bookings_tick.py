import json

from django.core.management.base import BaseCommand

from bookings import jobs


class Command(BaseCommand):
    help = (
        "Old name, kept for one release: runs bookings_reminders and bookings_purge, "
        "which the clock now runs on their own."
    )

    def handle(self, *args, **options):
        self.stdout.write(json.dumps({**jobs.reminders(), **jobs.purge()}))

import json

from django.core.management.base import BaseCommand

from bookings import jobs


class Command(BaseCommand):
    help = "Delete unconverted consultation requests older than 90 days. Run daily."

    def handle(self, *args, **options):
        self.stdout.write(json.dumps(jobs.purge()))

import json

from django.core.management.base import BaseCommand

from bookings import jobs


class Command(BaseCommand):
    help = "Remind each practice, once, of consultation requests without a time that have waited two working days. Run hourly."

    def handle(self, *args, **options):
        self.stdout.write(json.dumps(jobs.waiting()))

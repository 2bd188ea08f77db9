import json

from django.core.management.base import BaseCommand

from bookings import jobs


class Command(BaseCommand):
    help = "Enqueue due appointment reminders and check-in nudges for the worker. Run every 15 minutes."

    def handle(self, *args, **options):
        self.stdout.write(json.dumps(jobs.reminders()))

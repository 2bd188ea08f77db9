from django.core.management.base import BaseCommand

from selfcare.jobs import reminders


class Command(BaseCommand):
    help = "Enqueue the self-care reminders due now (run every few minutes; the worker sends them)."

    def handle(self, *args, **options):
        self.stdout.write(f"Enqueued the reminder sweep ({reminders()}).")

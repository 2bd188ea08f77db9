from django.core.management.base import BaseCommand

from selfcare.tasks import send_due_reminders


class Command(BaseCommand):
    help = "Enqueue the self-care reminders due now (run every few minutes; the worker sends them)."

    def handle(self, *args, **options):
        result = send_due_reminders.enqueue()
        self.stdout.write(f"Enqueued the reminder sweep ({result.id}).")

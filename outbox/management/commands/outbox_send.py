"""Run by the clock every minute: ask the worker to send every email that is due."""

from django.core.management.base import BaseCommand
from django_tasks_db.models import DBTaskResult

from outbox.health import uses_database_worker
from outbox.services import outbox_deliver_due
from outbox.tasks import outbox_send_due


class Command(BaseCommand):
    help = "Hand the emails that are due (retries, and any left half-sent) to the worker."

    def add_arguments(self, parser):
        parser.add_argument("--here", action="store_true", help="Send them in this process instead of the worker.")

    def handle(self, *args, here=False, **options):
        if here:
            counts = outbox_deliver_due()
            self.stdout.write(", ".join(f"{n} {status}" for status, n in sorted(counts.items())) or "nothing due")
            return
        if not _already_waiting():
            outbox_send_due.enqueue()


def _already_waiting() -> bool:
    """True when a sweep is already waiting for the worker (a stopped worker must not pile them up)."""
    if not uses_database_worker():
        return False
    return DBTaskResult.objects.ready().filter(task_path=outbox_send_due.module_path).exists()

from django.core.management.base import BaseCommand

from outbox.jobs import send
from outbox.sending import outbox_deliver_due


class Command(BaseCommand):
    help = "Hand the emails that are due (retries, and any left half-sent) to the worker. Run every minute."

    def add_arguments(self, parser):
        parser.add_argument("--here", action="store_true", help="Send them in this process instead of the worker.")

    def handle(self, *args, here=False, **options):
        if here:
            counts = outbox_deliver_due()
            self.stdout.write(", ".join(f"{n} {status}" for status, n in sorted(counts.items())) or "nothing due")
            return
        send()

from django.core.management.base import BaseCommand

from messaging.jobs import emails as messaging_emails


class Command(BaseCommand):
    help = (
        "Email (without content) about messages not told at once: a therapist's held for their working hours, "
        "and messages still unread an hour after the last email. Run every five minutes."
    )

    def handle(self, *args, **options):
        self.stdout.write(f"Wrote emails for {messaging_emails()} conversation(s).")

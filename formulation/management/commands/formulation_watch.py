from django.core.management.base import BaseCommand

from formulation.jobs import watch


class Command(BaseCommand):
    help = "Look for symptom shifts and unchanged self-compassion across all clients in care (run daily)."

    def handle(self, *args, **options):
        self.stdout.write(f"{watch()} new suggestion(s).")

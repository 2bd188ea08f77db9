from django.core.management.base import BaseCommand

from measures.jobs import due


class Command(BaseCommand):
    help = "Open questionnaires whose rhythm has come round (the clock runs it every 15 minutes)."

    def handle(self, *args, **options):
        self.stdout.write(f"Opened {due()} questionnaire(s).")

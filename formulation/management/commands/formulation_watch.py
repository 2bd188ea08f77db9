"""Run the symptom-shift watch over every client in care (daily, beside the other scheduled jobs).

Status changes in the formulation are checked the moment they are saved; this
catches what arrives from elsewhere, such as a questionnaire that shows symptoms
easing while self-compassion stays where it was.
"""

from django.core.management.base import BaseCommand

from formulation.services import insights_refresh
from practice.models import Client


class Command(BaseCommand):
    help = "Look for symptom shifts and unchanged self-compassion across all clients in care."

    def handle(self, *args, **options):
        created = 0
        clients = Client.objects.exclude(care_status=Client.CareStatus.ENDED).select_related("practice")
        for client in clients.iterator(chunk_size=200):
            created += len(insights_refresh(client=client))
        self.stdout.write(f"{created} new suggestion(s).")

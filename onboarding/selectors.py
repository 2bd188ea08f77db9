"""Reading where a client stands in becoming one: the welcome page and the home's card ask the same way."""

from django.db.models import Exists, OuterRef

from onboarding.models import ConsentChoice, Intake
from practice.models import Client


def intake_and_choices_done(client) -> tuple[bool, bool]:
    """Has the client completed the intake, and made their consent choices? One query (the client's home asks too)."""
    return (
        Client.objects.filter(pk=client.pk)
        .values_list(
            Exists(Intake.objects.filter(client_id=OuterRef("pk"), completed_at__isnull=False)),
            Exists(ConsentChoice.objects.filter(client_id=OuterRef("pk"))),
        )
        .get()
    )

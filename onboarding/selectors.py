"""Reading where a client stands in becoming one: the welcome page and the home's card ask the same way."""

from django.db.models import Exists, OuterRef

from core.compiled import CompiledRead
from onboarding.models import ConsentChoice, Intake
from practice.models import Client

# Built by the ORM once (core/compiled.py): the client's home asks on every view.
_DONE = CompiledRead(
    Client,
    lambda shape, *, client: Client.objects.filter(pk=client).values_list(
        Exists(Intake.objects.filter(client_id=OuterRef("pk"), completed_at__isnull=False)),
        Exists(ConsentChoice.objects.filter(client_id=OuterRef("pk"))),
    ),
    {"client": int},
)


def intake_and_choices_done(client) -> tuple[bool, bool]:
    """Has the client completed the intake, and made their consent choices? One query (the client's home asks too)."""
    intake, choices = _DONE.row(client=client.pk, default=(False, False))
    return bool(intake), bool(choices)

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


def done_asked(client):
    """The read ``intake_and_choices_done`` makes, to name to a page's panels (``core.panels.reading``)."""
    return _DONE.asked(client=client.pk)


def intake_and_choices_done(client) -> tuple[bool, bool]:
    """Has the client completed the intake, and made their consent choices? One query (the client's home asks too)."""
    intake, choices = done_asked(client).row(default=(False, False))
    return bool(intake), bool(choices)

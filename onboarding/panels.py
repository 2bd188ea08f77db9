from django.db.models import Exists, OuterRef
from django.template.loader import render_to_string

from audit.services import audit_read
from core.compiled import CompiledRead
from core.panels import reading
from onboarding.models import Acceptance, ConsentChoice, Intake, PracticeDocument
from onboarding.selectors import done_asked, intake_and_choices_done

ORDER = 20


@reading(lambda request, client: [_versions_asked(client), done_asked(client)])
def welcome_steps(request, client) -> str:
    """ "Getting started" on the client's home until every welcome step is done (the welcome page lists them)."""
    if _settled(client):
        return ""
    return render_to_string("onboarding/panels/welcome.html", request=request)


def _settled(client) -> bool:
    """Every welcome step done (``onboarding.views.steps_for``), in at most two small queries: the client's home
    asks on every view. (One query with nested subqueries cost more to build than these two to run.)"""
    return _agreed(client) and all(intake_and_choices_done(client))


# Built by the ORM once (core/compiled.py): the client's home asks on every view.
_VERSIONS = CompiledRead(
    PracticeDocument,
    lambda shape, *, practice, client: PracticeDocument.objects.filter(practice_id=practice)
    .annotate(accepted=Exists(Acceptance.objects.filter(client=client, document=OuterRef("pk"))))
    .order_by("kind", "-version")
    .values_list("kind", "accepted"),
    {"practice": int, "client": int},
)


def _versions_asked(client):
    return _VERSIONS.asked(practice=client.practice_id, client=client.pk)


def _agreed(client) -> bool:
    """Has the client accepted the newest version of every document the practice publishes? One query."""
    newest: dict[str, bool] = {}
    for kind, accepted in _versions_asked(client).rows():
        newest.setdefault(kind, accepted)
    return bool(newest) and all(newest.values())


# Read on every view of the client's record: built by the ORM once (core/compiled.py). The choices newest first
# for each kind: the first of each kind is the current one.
_INTAKE = CompiledRead(
    Intake, lambda shape, *, client: Intake.objects.filter(client=client).order_by("pk")[:1], {"client": int}
)
_CHOICES = CompiledRead(
    ConsentChoice,
    lambda shape, *, client: ConsentChoice.objects.filter(client=client).order_by("kind", "-decided_at", "-id"),
    {"client": int},
)


@reading(
    lambda request, client: [
        _INTAKE.asked(client=client.pk),
        _CHOICES.asked(client=client.pk),
        _versions_asked(client),
    ]
)
def intake_record(request, client) -> str:
    # Three queries (intake, documents, consent choices) instead of one per document and per kind.
    intake = _INTAKE.first(client=client.pk)
    if intake is not None:
        audit_read(request, intake, client=client, object_type="onboarding.intake")
    choices = {}
    for choice in _CHOICES.objects(client=client.pk):
        choices.setdefault(choice.kind, choice)
    return render_to_string(
        "onboarding/panels/intake.html",
        {
            "intake": intake,
            "agreed": _agreed(client),
            "reminders": _granted(choices, "email_reminders"),
            "alerts": _granted(choices, "journal_risk_alerts"),
        },
        request=request,
    )


def _granted(choices: dict, kind: str) -> bool:
    choice = choices.get(kind)
    return bool(choice and choice.granted)


CLIENT_HOME = [welcome_steps]
CLIENT_RECORD = [intake_record]

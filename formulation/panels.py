"""The formulation on the client's page (for their therapist) and, where shared, on the client's own home."""

from django.template.loader import render_to_string

from core.compiled import CompiledRead, counted
from core.panels import reading
from formulation.models import Insight, Symptom
from formulation.selectors import causes_shared_asked, causes_shared_with

ORDER = 40

# Read on every view of the client's home: built by the ORM once (core/compiled.py). Only the client's wording and
# each symptom's latest status: the cost stays the same over years of history.
_SHARED_SYMPTOMS = CompiledRead(
    Symptom,
    lambda shape, *, client: Symptom.objects.for_client(client).filter(shared_with_client=True).with_current_status(),
    {"client": int},
)


_WAITING = CompiledRead(
    Insight,
    lambda shape, *, client: counted(Insight.objects.filter(client=client).waiting(), "client"),
    {"client": int},
)


@reading(lambda request, client: [_WAITING.asked(client=client.pk)])
def record_panel(request, client) -> str:
    (waiting,) = _WAITING.row(client=client.pk, default=(0,))
    return render_to_string("formulation/panel_record.html", {"client": client, "waiting": waiting}, request=request)


@reading(lambda request, client: [causes_shared_asked(client), _SHARED_SYMPTOMS.asked(client=client.pk)])
def client_home_panel(request, client) -> str:
    """What the therapist has chosen to share, in the client's words; nothing else."""
    causes = causes_shared_with(client)
    symptoms = _SHARED_SYMPTOMS.objects(client=client.pk)
    if not causes and not symptoms:
        return ""
    return render_to_string("formulation/panel_client.html", {"causes": causes, "symptoms": symptoms}, request=request)


CLIENT_RECORD = [record_panel]
CLIENT_HOME = [client_home_panel]

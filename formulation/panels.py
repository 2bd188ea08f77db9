"""The formulation on the client's page (for their therapist) and, where shared, on the client's own home."""

from django.template.loader import render_to_string

from formulation.models import Cause, Insight, Symptom

ORDER = 40


def record_panel(request, client) -> str:
    waiting = Insight.objects.filter(client=client).waiting().count()
    return render_to_string("formulation/panel_record.html", {"client": client, "waiting": waiting}, request=request)


def client_home_panel(request, client) -> str:
    """What the therapist has chosen to share, in the client's words; nothing else."""
    # Only the client's wording and each symptom's latest status: the cost stays the same over years of history.
    causes = list(Cause.objects.for_client(client).filter(shared_with_client=True).only("client_wording"))
    symptoms = list(Symptom.objects.for_client(client).filter(shared_with_client=True).with_current_status())
    if not causes and not symptoms:
        return ""
    return render_to_string("formulation/panel_client.html", {"causes": causes, "symptoms": symptoms}, request=request)


CLIENT_RECORD = [record_panel]
CLIENT_HOME = [client_home_panel]

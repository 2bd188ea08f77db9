"""A link to the journey from the client's home and from the therapist's page for a client."""

from django.template.loader import render_to_string

from core.panels import reading
from measures.selectors import first_and_latest_asked, first_and_latest_of, nhs_tt_outcome_for_client

ORDER = 25
_OUTCOME = ("phq9", "gad7")  # the two questionnaires of the combined outcome


@reading(lambda request, client: [first_and_latest_asked(client, _OUTCOME)])
def record_panel(request, client) -> str:
    totals = first_and_latest_of(client, _OUTCOME)
    outcome = nhs_tt_outcome_for_client(client, totals=totals)
    return render_to_string("journey/panel_record.html", {"client": client, "outcome": outcome}, request=request)


CLIENT_RECORD = [record_panel]

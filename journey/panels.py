"""A link to the journey from the client's home and from the therapist's page for a client."""

from django.template.loader import render_to_string

from measures.selectors import first_and_latest_totals, nhs_tt_outcome_for_client

ORDER = 25


def record_panel(request, client) -> str:
    totals = first_and_latest_totals([client.pk], instruments=("phq9", "gad7")).get(client.pk, {})
    outcome = nhs_tt_outcome_for_client(client, totals=totals)
    return render_to_string("journey/panel_record.html", {"client": client, "outcome": outcome}, request=request)


CLIENT_RECORD = [record_panel]

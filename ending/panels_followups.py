"""Follow-ups and coming back on the home pages: the client's card, and the shared results on their record."""

from django.template.loader import render_to_string
from django.utils import timezone

from audit.services import audit_read
from core.panels import reading
from ending.followups import available_follow_up, shared_asked, shared_follow_ups
from ending.returning import return_request_waiting
from measures.instruments import INSTRUMENTS


def client_home(request, client) -> str:
    """Only for a client whose care has ended: a follow-up open now (if they chose one), and coming back."""
    if not client.care_has_ended:
        return ""
    today = timezone.localdate(timezone=client.practice.zone)
    return render_to_string(
        "ending/panel_follow_ups_client.html",
        {"follow_up": available_follow_up(client, today), "waiting": return_request_waiting(client)},
        request=request,
    )


@reading(lambda request, client: [shared_asked(client)])
def client_record(request, client) -> str:
    """The follow-up results the client chose to share, and only those (an audited read)."""
    shared = shared_follow_ups(client)
    if not shared:
        return ""
    rows = []
    for follow_up in shared:
        audit_read(request, follow_up, client=client, object_type="ending.followup")
        answers = {answer.instrument: answer for answer in follow_up.answers.all()}
        results = []
        for instrument_id in follow_up.instruments:
            answer = answers.get(instrument_id)
            if answer is None or instrument_id not in INSTRUMENTS:
                continue
            instrument = INSTRUMENTS[instrument_id]
            total = answer.total * 4 if instrument_id == "who5" else answer.total
            results.append(
                {
                    "title": instrument.short_title,
                    "total": f"{total:.2f}" if instrument_id == "scs_sf" else f"{total:g}",
                    "percent": instrument_id == "who5",
                    "band": instrument.band_label(answer.band),
                }
            )
        rows.append({"follow_up": follow_up, "results": results})
    return render_to_string("ending/panel_follow_ups_client_record.html", {"rows": rows}, request=request)

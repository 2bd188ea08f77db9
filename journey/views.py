from django.db.models import Count, Q, Subquery
from django.shortcuts import render

from audit.services import audit_read
from checkins.models import SCALES, CheckIn
from journey.charts import charts_for
from journey.selectors import CHECKIN_CHARTS, DEFAULT_RANGE, MEASURE_ORDER, RANGES, build_journey
from journey.words import describe_change
from measures.instruments import INSTRUMENTS
from measures.models import MeasureResponse
from practice.access import client_required, get_client_for_clinician, therapist_required
from practice.models import Client

RECENT_NOTES = 5


def _range(request) -> str:
    value = request.GET.get("range", DEFAULT_RANGE)
    return value if value in RANGES else DEFAULT_RANGE


def _counts(client) -> dict:
    return dict(
        MeasureResponse.objects.for_client(client)
        .values("instrument")
        .annotate(n=Count("id"))
        .values_list("instrument", "n")
    )


def _context(request, client, *, therapist_view: bool) -> dict:
    journey = build_journey(client, _range(request))
    counts = _counts(client)
    therapist_name = client.therapist.display_name
    summaries = []
    for instrument_id in MEASURE_ORDER:
        if instrument_id not in journey.changes:
            continue
        summaries.append(
            {
                "instrument": INSTRUMENTS[instrument_id],
                "change": journey.changes[instrument_id],
                "count": counts.get(instrument_id, 0),
                "words": describe_change(
                    instrument_id,
                    journey.changes[instrument_id],
                    counts.get(instrument_id, 0),
                    therapist_name=therapist_name,
                ),
                "points": journey.measures.get(instrument_id, []),
            }
        )
    return {
        "client": client,
        "journey": journey,
        "ranges": [(key, label) for key, (label, _days) in RANGES.items()],
        "summaries": summaries,
        "charts": charts_for(journey),
        "checkin_sections": [
            {
                "id": f"checkin-{chart_id}",
                "title": title,
                "columns": [SCALES[name][1] for name in names],
                "rows": [(row["label"], [row[name] for name in names]) for row in journey.checkin_rows],
            }
            for chart_id, title, names in CHECKIN_CHARTS
        ]
        if journey.checkin_rows
        else [],
        "checkin_charts": CHECKIN_CHARTS,
        "scales": SCALES,
        "therapist_view": therapist_view,
    }


@client_required
def mine(request):
    # One query for the practice (time zone) and therapist (name) instead of three lazy ones.
    client = Client.objects.with_people().get(pk=request.client.pk)
    context = _context(request, client, therapist_view=False)
    return render(request, "journey/journey.html", context)


@therapist_required
def client_journey(request, client_uuid):
    client = get_client_for_clinician(request.user, client_uuid)
    audit_read(request, client, client=client, object_type="journey.journey")
    context = _context(request, client, therapist_view=True)
    context["latest"] = _latest_item_level(client)
    context["notes"] = list(
        CheckIn.objects.for_client(client)
        .filter(note__isnull=False)
        .order_by("-local_date", "-created_at")[:RECENT_NOTES]
    )
    return render(request, "journey/journey.html", context)


def _latest_item_level(client) -> list:
    """The latest form of each questionnaire with its answers, in one query."""
    latest_ids = Q(pk__in=[])
    for instrument_id in MEASURE_ORDER:
        latest_ids |= Q(
            pk=Subquery(
                MeasureResponse.objects.filter(client=client, instrument=instrument_id)
                .order_by("-completed_at", "-id")
                .values("pk")[:1]
            )
        )
    rows = {r.instrument: r for r in MeasureResponse.objects.filter(latest_ids)}
    found = []
    for instrument_id in MEASURE_ORDER:
        response = rows.get(instrument_id)
        if response is None:
            continue
        instrument = INSTRUMENTS[instrument_id]
        items = []
        for index, (text, value) in enumerate(zip(instrument.items, response.answers, strict=True)):
            labels = {option.value: option.label for option in instrument.options_for(index)}
            items.append({"number": index + 1, "text": text, "value": value, "label": labels.get(value, "")})
        found.append({"response": response, "instrument": instrument, "items": items})
    return found

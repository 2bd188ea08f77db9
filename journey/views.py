from functools import cache

from django.shortcuts import render
from django.template.defaultfilters import floatformat
from django.utils import timezone

from audit.services import audit_read
from checkins.models import SCALES
from checkins.selectors import with_notes, with_notes_asked
from core.compiled import reads_ahead
from core.dates import written
from core.html import format_many
from core.links import url_maker
from core.panels import shell_reads
from journey.charts import axis_for, charts_for
from journey.selectors import CHECKIN_CHARTS, DEFAULT_RANGE, MEASURE_ORDER, RANGES, build_journey, journey_asked
from journey.words import describe_change
from measures.instruments import INSTRUMENTS
from measures.selectors import form_counts, form_counts_asked, latest_forms, latest_forms_asked
from practice.access import client_required, get_client_for_clinician, staff_required

RECENT_NOTES = 5


def _range(request) -> str:
    value = request.GET.get("range", DEFAULT_RANGE)
    return value if value in RANGES else DEFAULT_RANGE


# Table bodies are written here, once per table, rather than cell by cell in the template: with
# years of history the per-cell lookups and filters were most of the page's time. Numbers are written
# as the template's localisation wrote them for en-GB (point for decimals, no grouping).
_MEASURE_ROW = '<tr><th scope="row">{}</th><td>{}</td><td>{}</td></tr>'
_ITEM_ROW = "<tr><td>{}</td><td>{}</td><td>{}</td></tr>"


def _checkin_body(rows, names):
    # One format for the whole table (a row's format repeated, every figure an argument it escapes, as
    # format_html does: core/html.py): a format_html per row was most of the page's own time over a month of days.
    row = '<tr><th scope="row">{}</th>' + "<td>{}</td>" * len(names) + "</tr>"
    figures = [x for r in rows for x in (r["label"], *("–" if r[n] is None else str(r[n]) for n in names))]
    return format_many(row * len(rows), *figures) if rows else ""


def _measure_value(instrument_id, value) -> str:
    if instrument_id == "scs_sf":
        return floatformat(value, 2)
    # Whole scores (every range but "all") print as they are; monthly means keep one decimal if they need it.
    return str(value) if isinstance(value, int) else floatformat(value, "-1")


def _measure_body(instrument_id, points, link):
    # As _checkin_body: one format for the table, each row's link written into its own cell.
    cells, figures = [], []
    for p in points:
        if link and p.get("uuid"):
            cells.append(_MEASURE_ROW.format('<a href="{}">{}</a>', "{}", "{}"))
            figures += [link(p["uuid"]), p["label"]]
        else:
            cells.append(_MEASURE_ROW)
            figures.append(p["label"])
        figures += [_measure_value(instrument_id, p["value"]), p["band"]]
    return format_many("".join(cells), *figures)


@cache
def _band_legend(instrument_id) -> tuple[str, ...]:
    """Each band as "Label: low–high", the same for every page (the bands are constants)."""
    percent = "%" if instrument_id == "who5" else ""
    return tuple(
        f"{label}: {floatformat(low, '-2')}–{floatformat(high, '-2')}{percent}"
        for _id, label, low, high in INSTRUMENTS[instrument_id].bands
    )


def _asked(request, client, *, now, therapist_view: bool) -> list:
    """Every kept read of the page, read ahead together on PostgreSQL (``core.compiled.reads_ahead``)."""
    asked = [
        *journey_asked(client, _range(request), now=now, for_staff=therapist_view),
        form_counts_asked(client),
        *shell_reads(request),
    ]
    if therapist_view:
        asked += [latest_forms_asked(client, MEASURE_ORDER), with_notes_asked(client, limit=RECENT_NOTES)]
    return asked


def _context(request, client, *, now, therapist_view: bool) -> dict:
    journey = build_journey(client, _range(request), now=now, for_staff=therapist_view)
    axis = axis_for(journey)
    charts = charts_for(journey, axis)
    # Each chart's accessible name, with its figures rounded as the table shows them.
    names = {chart["id"]: chart["name"] for chart in charts}
    counts = form_counts(client)
    therapist_name = client.therapist.display_name
    link = url_maker("measures:response", "response_uuid") if therapist_view else None
    summaries = []
    for instrument_id in MEASURE_ORDER:
        if instrument_id not in journey.changes:
            continue
        points = journey.measures.get(instrument_id, [])
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
                "points": points,
                "body": _measure_body(instrument_id, points, link) if points else "",
                "legend": _band_legend(instrument_id),
                "name": names.get(f"measure-{instrument_id}", ""),
            }
        )
    return {
        "client": client,
        "journey": journey,
        "ranges": [(key, label) for key, (label, _days) in RANGES.items()],
        "summaries": summaries,
        "axis": axis,
        "charts": charts,
        "checkin_sections": [
            {
                "id": f"checkin-{chart_id}",
                "title": title,
                "columns": [SCALES[name][1] for name in scale_names],
                "body": _checkin_body(journey.checkin_rows, scale_names),
                "name": names[f"checkin-{chart_id}"],
            }
            for chart_id, title, scale_names in CHECKIN_CHARTS
        ]
        if journey.checkin_rows
        else [],
        "therapist_view": therapist_view,
    }


@client_required
def mine(request):
    # The signed-in client comes with their practice (time zone) and therapist (name): accounts/backends.py.
    client, now = request.client, timezone.now()
    with reads_ahead(_asked(request, client, now=now, therapist_view=False)):
        return render(request, "journey/journey.html", _context(request, client, now=now, therapist_view=False))


@staff_required
def client_journey(request, client_uuid):
    client = get_client_for_clinician(request.user, client_uuid)
    audit_read(request, client, client=client, object_type="journey.journey")
    now = timezone.now()
    with reads_ahead(_asked(request, client, now=now, therapist_view=True)):
        context = _context(request, client, now=now, therapist_view=True)
        context["latest"] = _latest_item_level(client)
        context["notes"] = with_notes(client, limit=RECENT_NOTES)
        return render(request, "journey/journey.html", context)


def _latest_item_level(client) -> list:
    """The latest form of each questionnaire with its answers, in one query."""
    rows = latest_forms(client, MEASURE_ORDER)
    link = url_maker("measures:response", "response_uuid")
    found = []
    for instrument_id in MEASURE_ORDER:
        response = rows.get(instrument_id)
        if response is None:
            continue
        instrument = INSTRUMENTS[instrument_id]
        items = []
        for index, (text, value) in enumerate(zip(instrument.items, response.answers, strict=True)):
            labels = {option.value: option.label for option in instrument.options_for(index)}
            answer = labels.get(value, "") if value is None else f"{labels.get(value, '')} ({value})"
            items += [index + 1, text, answer]
        found.append(
            {
                "response": response,
                "instrument": instrument,
                "completed": written(timezone.localtime(response.completed_at), "j M Y"),
                "body": format_many(_ITEM_ROW * (len(items) // 3), *items),  # one format, as _checkin_body
                "url": link(response.uuid),
            }
        )
    return found

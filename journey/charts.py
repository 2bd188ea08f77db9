"""Chart specifications passed to the browser with ``json_script`` (drawn by static/js/journey/charts.js)."""

from checkins.models import SCALES
from journey.selectors import CHECKIN_CHARTS, MEASURE_ORDER
from measures.instruments import INSTRUMENTS


def charts_for(journey) -> list[dict]:
    charts = []
    if journey.checkin_rows:
        for chart_id, title, names in CHECKIN_CHARTS:
            charts.append(
                {
                    "id": f"checkin-{chart_id}",
                    "title": title,
                    "labels": journey.checkin_labels,
                    "datasets": [
                        {"label": SCALES[name][1], "data": [row[name] for row in journey.checkin_rows]}
                        for name in names
                    ],
                    "min": 0,
                    "max": 10,
                    "bands": [],
                    "sessions": journey.session_buckets,
                }
            )
    for instrument_id in MEASURE_ORDER:
        points = journey.measures.get(instrument_id)
        if not points:
            continue
        instrument = INSTRUMENTS[instrument_id]
        charts.append(
            {
                "id": f"measure-{instrument_id}",
                "title": instrument.short_title,
                "labels": [p["label"] for p in points],
                "datasets": [
                    {
                        "label": instrument.short_title + (" (%)" if instrument_id == "who5" else ""),
                        "data": [p["value"] for p in points],
                    }
                ],
                "min": instrument.scale_min,
                "max": instrument.scale_max,
                "bands": [{"from": low, "to": high, "label": label} for _id, label, low, high in instrument.bands],
                "sessions": [],
            }
        )
    return charts

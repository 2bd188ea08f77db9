"""Chart specifications passed to the browser with ``json_script`` (drawn by static/js/journey/charts.js).

Every chart on the page shares one time axis: a point's x is its day (days since 1 January 1970), so
two questionnaires on one day sit together and a month's gap looks like a month, not like the gap
between two forms a day apart. The axis, its ticks, the caption that names its span and the charts'
accessible names are all decided here, so the words say exactly what is drawn.
"""

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache

from checkins.models import SCALES
from journey.selectors import CHECKIN_CHARTS, MEASURE_ORDER
from measures.instruments import INSTRUMENTS

EPOCH = dt.date(1970, 1, 1)
# A chart of "all time" with one point in it still spans a week, so the point has somewhere to sit.
SHORTEST_AXIS_DAYS = 6
# Beyond this many points an accessible name gives the first and latest, not every one.
NAMED_POINTS = 6


def day_number(day: dt.date) -> int:
    return (day - EPOCH).days


def number(value: float, instrument_id: str | None = None) -> str:
    """A figure as people read it: 14, not 14.0; a mean keeps the decimals it needs (SCS-SF two, others one)."""
    places = 2 if instrument_id == "scs_sf" else 1
    return f"{round(float(value), places):g}"


@lru_cache(maxsize=4096)
def _day_words(day: dt.date, with_year: bool) -> str:
    # Each point is named twice (its accessible name and its tooltip), on every page: worth remembering.
    return f"{day.day} {day:%B %Y}" if with_year else f"{day.day} {day:%B}"


def _month_start(day: dt.date, months_on: int = 0) -> dt.date:
    index = day.year * 12 + day.month - 1 + months_on
    return dt.date(index // 12, index % 12 + 1, 1)


@dataclass(frozen=True)
class Axis:
    start: dt.date
    end: dt.date

    @property
    def spans_years(self) -> bool:
        return self.start.year != self.end.year

    def when(self, day: dt.date) -> str:
        """A day in words: "3 March", with its year when the axis crosses a new year."""
        return _day_words(day, self.start.year != self.end.year)

    @property
    def span(self) -> str:
        """The span drawn, in words: "from 3 March to 2 December 2026"."""
        return f"from {self.when(self.start)} to {self.end.day} {self.end:%B %Y}"

    @property
    def caption(self) -> str:
        return self.span[0].upper() + self.span[1:]

    def ticks(self) -> list[dict]:
        """Where the axis is labelled: days, Mondays, month starts or new years, by the span's length."""
        span = (self.end - self.start).days
        found = []
        if span <= 10:
            days = [self.start + dt.timedelta(days=n) for n in range(span + 1)]
            found = [(d, f"{d.day} {d:%b}") for d in days]
        elif span <= 62:
            monday = self.start + dt.timedelta(days=-self.start.weekday() % 7)
            days = [monday + dt.timedelta(weeks=n) for n in range((self.end - monday).days // 7 + 1)]
            found = [(d, f"{d.day} {d:%b}") for d in days]
        elif span <= 550:
            month = _month_start(self.start, 0 if self.start.day == 1 else 1)
            while month <= self.end:
                label = f"{month:%b %Y}" if month.month == 1 or not found else f"{month:%b}"
                found.append((month, label))
                month = _month_start(month, 1)
        else:
            found = [(dt.date(year, 1, 1), str(year)) for year in range(self.start.year + 1, self.end.year + 1)]
        return [{"x": day_number(day), "label": label} for day, label in found]

    def as_json(self) -> dict:
        return {"min": day_number(self.start), "max": day_number(self.end), "ticks": self.ticks()}


def axis_for(journey) -> Axis:
    """The span of the time chosen (a week, a month, a year), widened to any point drawn before it
    (a week's average sits on its Monday); for "all", from the first thing drawn to today."""
    days = [row["day"] for row in journey.checkin_rows]
    days += [point["day"] for points in journey.measures.values() for point in points]
    if journey.checkin_rows:  # sessions are marked on the check-in charts only
        days += journey.session_days
    end = max([journey.today, *days])
    start = journey.start or end - dt.timedelta(days=SHORTEST_AXIS_DAYS)
    return Axis(start=min([start, *days]), end=end)


def _series_words(axis: Axis, label: str, points: list[tuple[dt.date, float]], instrument_id=None) -> str:
    said = [f"{number(value, instrument_id)} on {axis.when(day)}" for day, value in points]
    if len(said) > NAMED_POINTS:
        said = [said[0], f"latest {said[-1]} ({len(said)} in all)"]
    return f"{label} {', '.join(said)}"


def _checkin_name(axis: Axis, title: str, names, rows) -> str:
    parts = []
    for name in names:
        points = [(row["day"], row[name]) for row in rows if row[name] is not None]
        if points:
            parts.append(_series_words(axis, SCALES[name][1], points))
    return f"{title}, {axis.span}: {'; '.join(parts)}. The same figures are in the table below."


def _measure_name(axis: Axis, instrument, points) -> str:
    label = instrument.short_title + (" (%)" if instrument.id == "who5" else "")
    series = _series_words(axis, label, [(p["day"], p["value"]) for p in points], instrument.id)
    return (
        f"{instrument.short_title}, {axis.span}, with its bands shaded: {series}. "
        "The same figures are in the table below."
    )


def _point(axis: Axis, day: dt.date, value, instrument_id=None) -> dict:
    y = int(value) if float(value).is_integer() else value
    return {"x": day_number(day), "y": y, "when": axis.when(day), "shown": number(value, instrument_id)}


def charts_for(journey, axis: Axis | None = None) -> list[dict]:
    axis = axis or axis_for(journey)
    shared = {"axis": axis.as_json(), "caption": axis.caption}
    charts = []
    if journey.checkin_rows:
        sessions = [day_number(day) for day in journey.session_days]
        for chart_id, title, names in CHECKIN_CHARTS:
            charts.append(
                {
                    "id": f"checkin-{chart_id}",
                    "title": title,
                    "name": _checkin_name(axis, title, names, journey.checkin_rows),
                    "datasets": [
                        {
                            "label": SCALES[name][1],
                            "data": [
                                _point(axis, row["day"], row[name])
                                for row in journey.checkin_rows
                                if row[name] is not None
                            ],
                        }
                        for name in names
                    ],
                    "min": 0,
                    "max": 10,
                    "bands": [],
                    "sessions": sessions,
                    **shared,
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
                "name": _measure_name(axis, instrument, points),
                "datasets": [
                    {
                        "label": instrument.short_title + (" (%)" if instrument_id == "who5" else ""),
                        "data": [_point(axis, p["day"], p["value"], instrument_id) for p in points],
                    }
                ],
                "min": instrument.scale_min,
                "max": instrument.scale_max,
                "bands": [{"from": low, "to": high, "label": label} for _id, label, low, high in instrument.bands],
                "sessions": [],
                **shared,
            }
        )
    return charts

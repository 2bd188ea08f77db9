"""Coordinates for SVG line charts drawn by templates (WeasyPrint draws SVG; a PDF runs no JavaScript).

The journey PDF (dataprivacy) and the ending summary (ending, on its page and in its PDF) use them. The journey
PDF's template draws its charts; the ending summary's are written by ``chart_figure``, which escapes every label
as a template would."""

import datetime
from collections import defaultdict
from functools import partial

from core.html import format_many, format_rows
from measures.instruments import INSTRUMENTS

WIDTH, HEIGHT, PAD = 520, 140, 24
# Above this many points a chart shows weekly means and no dots: a five-year history would
# otherwise put thousands of SVG elements in front of WeasyPrint (docs/benchmarks.md).
MAX_DAILY_POINTS = 90
GEOMETRY = {
    "width": WIDTH,
    "height": HEIGHT,
    "pad": PAD,
    "right": WIDTH - PAD,
    "base": HEIGHT - PAD,
    "label_y": HEIGHT - 6,
}


def line_chart(points: list[tuple[str, float]], *, low: float, high: float, title: str) -> dict:
    # A point has its place by its date; one whose date cannot be read has none.
    points = [(label, value) for label, value in points if _day(label) is not None]
    if not points:
        return {"title": title, "count": 0}
    span = max(high - low, 1)
    # Placed by date, not one step per point: two forms on one day share a place, and a month's gap
    # looks like a month.
    days = [_day(label) for label, _value in points]
    scale = (WIDTH - 2 * PAD) / max((days[-1] - days[0]).days, 1)
    coords = [
        (PAD + (day - days[0]).days * scale, HEIGHT - PAD - (value - low) / span * (HEIGHT - 2 * PAD))
        for day, (_label, value) in zip(days, points, strict=True)
    ]
    dots = [(round(x, 1), round(y, 1)) for x, y in coords] if len(coords) <= MAX_DAILY_POINTS else []
    return {
        "title": title,
        "points": " ".join(f"{x:.1f},{y:.1f}" for x, y in coords),
        "dots": dots,
        # The dots as SVG, written in one call a dot when a template shows them (it calls this): drawn by the template
        # they were most of the client's ending page's Python.
        "circles": partial(format_rows, "", '<circle cx="{}" cy="{}" r="3"/>', dots),
        "first": _when(days[0]),
        "last": _when(days[-1]),
        "low": f"{low:g}",
        "high": f"{high:g}",
        "count": len(points),
    }


# The ending summary's chart (on its page and in its PDF), written here: drawn by a template, five of them were a
# seventh of the client's ending page. Every word and figure is escaped as the template escaped it.
_FIGURE = (
    '\n<figure class="chart">\n'
    '  <svg xmlns="http://www.w3.org/2000/svg" role="img" aria-labelledby="chart-{0}-title chart-{0}-desc"'
    f' width="100%" viewBox="0 0 {WIDTH} {HEIGHT}" preserveAspectRatio="xMinYMin meet">\n'
    '    <title id="chart-{0}-title">{1}</title>\n'
    '    <desc id="chart-{0}-desc">{2}</desc>\n'
    f'    <line x1="{PAD}" y1="{HEIGHT - PAD}" x2="{WIDTH - PAD}" y2="{HEIGHT - PAD}" stroke="#767676"/>\n'
    f'    <text x="2" y="{PAD}" font-size="14" fill="#1d2b27">{{3}}</text>'
    f'<text x="2" y="{HEIGHT - PAD}" font-size="14" fill="#1d2b27">{{4}}</text>\n'
    f'    <text x="{PAD}" y="{HEIGHT - 6}" font-size="14" fill="#1d2b27">{{5}}</text>\n'
    f'    <text x="{WIDTH - PAD}" y="{HEIGHT - 6}" font-size="14" fill="#1d2b27" text-anchor="end">{{6}}</text>\n'
    '    <polyline fill="none" stroke="#2f6b5a" stroke-width="2" points="{7}"/>\n'
    '    <g fill="#2f6b5a">{8}</g>\n'
    "  </svg>\n"
    "</figure>\n"
)


def chart_figure(chart: dict, *, key: str, description: str) -> str:
    """A ``line_chart`` as an SVG figure, its accessible name the chart's title and its description ``description``;
    ``key`` makes the ids of its title and description (one a page)."""
    return format_many(
        _FIGURE,
        key,
        chart["title"],
        description,
        chart["high"],
        chart["low"],
        chart["first"],
        chart["last"],
        chart["points"],
        chart["circles"](),
    )


def _day(label) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(str(label)[:10])
    except ValueError:
        return None


def _when(day: datetime.date) -> str:
    return f"{day.day} {day:%b %Y}"


def weekly_means(points: list[tuple[str, float]]) -> list[tuple[str, float]]:
    """Daily (ISO date, value) points as (Monday of the week, mean of that week)."""
    weeks: dict[str, list[float]] = defaultdict(list)
    for day, value in points:
        date = datetime.date.fromisoformat(str(day)[:10])
        weeks[(date - datetime.timedelta(days=date.weekday())).isoformat()].append(value)
    return [(week, round(sum(values) / len(values), 1)) for week, values in sorted(weeks.items())]


def journey_charts(sections: dict) -> list[dict]:
    charts = []
    checkins = sorted(sections.get("checkins", []), key=lambda r: r.get("local_date") or "")
    for scale, title in (("mood", "Mood"), ("peace", "Peace"), ("self_kindness", "Kindness to myself")):
        points = [(r["local_date"], r[scale]) for r in checkins if r.get(scale) is not None]
        if len(points) > MAX_DAILY_POINTS:
            charts.append(
                line_chart(
                    weekly_means(points), low=0, high=10, title=f"{title}, weekly average of check-ins (0 to 10)"
                )
            )
        else:
            charts.append(line_chart(points, low=0, high=10, title=f"{title} in daily check-ins (0 to 10)"))
    answers = sorted(sections.get("questionnaire_answers", []), key=lambda r: r.get("completed_at") or "")
    for instrument in sorted({r.get("instrument") for r in answers if r.get("instrument")}):
        points = [
            (str(r["completed_at"])[:10], r["total"])
            for r in answers
            if r.get("instrument") == instrument and r.get("total") is not None
        ]
        if points:
            charts.append(
                line_chart(points, low=0, high=max(v for _, v in points), title=f"{instrument_name(instrument)} totals")
            )
    return [chart for chart in charts if chart["count"]]


def instrument_name(instrument: str) -> str:
    """The questionnaire's own name ("GAD-7"), not its code."""
    return INSTRUMENTS[instrument].short_title if instrument in INSTRUMENTS else instrument

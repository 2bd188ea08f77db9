"""Coordinates for the journey PDF's SVG line charts (WeasyPrint draws SVG; a PDF runs no JavaScript).

The template draws them, so every label is escaped there."""

import datetime
from collections import defaultdict

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


def _line(points: list[tuple[str, float]], *, low: float, high: float, title: str) -> dict:
    if not points:
        return {"title": title, "count": 0}
    span = max(high - low, 1)
    step = (WIDTH - 2 * PAD) / max(len(points) - 1, 1)
    coords = [
        (PAD + i * step, HEIGHT - PAD - (value - low) / span * (HEIGHT - 2 * PAD))
        for i, (_label, value) in enumerate(points)
    ]
    return {
        "title": title,
        "points": " ".join(f"{x:.1f},{y:.1f}" for x, y in coords),
        "dots": [(round(x, 1), round(y, 1)) for x, y in coords] if len(coords) <= MAX_DAILY_POINTS else [],
        "first": points[0][0],
        "last": points[-1][0],
        "low": f"{low:g}",
        "high": f"{high:g}",
        "count": len(points),
    }


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
                _line(weekly_means(points), low=0, high=10, title=f"{title}, weekly average of check-ins (0 to 10)")
            )
        else:
            charts.append(_line(points, low=0, high=10, title=f"{title} in daily check-ins (0 to 10)"))
    answers = sorted(sections.get("questionnaire_answers", []), key=lambda r: r.get("completed_at") or "")
    for instrument in sorted({r.get("instrument") for r in answers if r.get("instrument")}):
        points = [
            (str(r["completed_at"])[:10], r["total"])
            for r in answers
            if r.get("instrument") == instrument and r.get("total") is not None
        ]
        if points:
            charts.append(_line(points, low=0, high=max(v for _, v in points), title=f"{instrument} totals"))
    return [chart for chart in charts if chart["count"]]

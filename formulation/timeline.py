"""The formulation timeline: causes as bands, their symptoms as lanes beneath, sessions and
measure scores on the same time axis. Built in Python as plain numbers; the template
draws each lane as a small SVG stretched to the page width, with the words in HTML
so they stay readable on a phone.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta

from core.html import format_rows
from measures.instruments import INSTRUMENTS

WIDTH = 1000.0
LANE_HEIGHT = 24.0
MEASURE_HEIGHT = 48.0

# (lowest, highest) of each instrument's total as drawn (WHO-5 as its percentage), from measures.
MEASURE_SCALES = {code: (instrument.scale_min, instrument.scale_max) for code, instrument in INSTRUMENTS.items()}
# What each questionnaire looks at, beside its own name.
_ABOUT = {"phq9": "mood", "gad7": "anxiety", "phq15": "body", "who5": "wellbeing", "scs_sf": "self-compassion"}
MEASURE_NAMES = {code: f"{instrument.short_title} ({_ABOUT[code]})" for code, instrument in INSTRUMENTS.items()}


def _n(value: float) -> str:
    """A coordinate as SVG wants it. Formatted here because templates would localise each float."""
    return f"{value:.2f}".rstrip("0").rstrip(".")


@dataclass
class Segment:
    x: str
    width: str
    status: str
    label: str
    severity: int | None = None
    y: str = "0"
    height: str = _n(LANE_HEIGHT)


@dataclass
class Lane:
    name: str
    summary: str
    segments: list[Segment] = field(default_factory=list)
    uuid: str = ""
    # The segments as SVG, written once here (see ``_bars``); the link is set by the view.
    bars: str = ""
    url: str = ""


@dataclass
class Group:
    cause: object | None
    band: Lane | None
    lanes: list[Lane]


@dataclass
class MeasureLine:
    name: str
    points: str
    summary: str
    # A dot at each score, so a single score shows and two on one day are seen as two.
    dots: str = ""


@dataclass
class Timeline:
    start: date
    end: date
    groups: list[Group]
    sessions: list[str]
    session_summary: str
    measures: list[MeasureLine]
    ticks: list[tuple[str, str]]
    # Something began before ``start`` and is drawn from the left edge.
    earlier: bool = False
    # The session marks and the axis (tick lines and their labels) as SVG, written once here (see ``_bars``).
    session_marks: str = ""
    tick_marks: str = ""

    @property
    def empty(self) -> bool:
        return not self.groups


# Bars, marks and ticks are written here, once per row, rather than element by element in the
# template: over years of history the per-element variable lookups were most of the drawing's time.
# The markup is the template's, character for character; format_rows escapes every value.
_CAUSE_BAR = '<rect x="{}" y="0" width="{}" height="24" class="tl-cause tl-cause--{}"><title>{}</title></rect>'
_SYMPTOM_BAR = (
    '<rect x="{}" y="{}" width="{}" height="{}" class="tl-symptom tl-symptom--{}"><title>{}, {} of 10</title></rect>'
)
_SESSION_MARK = '<line x1="{0}" x2="{0}" y1="4" y2="20" class="tl-session"/>'
_DOT = '<line x1="{0}" x2="{0}" y1="{1}" y2="{1}" class="tl-dot"/>'
# The axis is drawn without a viewBox so its words keep their shape: a tick's place is a percentage
# of the width, the same fraction of the time span as x is of the lanes' 1000 units.
_TICK = (
    '<line x1="{0}%" x2="{0}%" y1="0" y2="6" class="tl-tick"/>'
    '<text x="{0}%" y="18" text-anchor="{1}" class="tl-tick-label">{2}</text>'
)


def _bars(segments: list[Segment], *, with_severity: bool) -> str:
    if with_severity:
        rows = ((s.x, s.y, s.width, s.height, s.status, s.label, s.severity) for s in segments)
        return format_rows("", _SYMPTOM_BAR, rows)
    return format_rows("", _CAUSE_BAR, ((s.x, s.width, s.status, s.label) for s in segments))


def _when(day: date) -> str:
    return f"{day.day} {day:%b %Y}"


def number(code: str, value: float) -> str:
    """A score as people read it: 14, not 14.0; an SCS-SF mean to two decimals, as its page shows it."""
    return f"{round(value, 2 if code == 'scs_sf' else 1):g}"


def _anchor(percent: float) -> str:
    """Labels at the very ends lean inwards, so none is cut off at the edge of the axis."""
    return "start" if percent < 5 else "end" if percent > 95 else "middle"


class _Axis:
    def __init__(self, start: date, end: date):
        self.start = start
        self.days = max((end - start).days, 1)

    def x(self, day: date) -> float:
        return round(WIDTH * (day - self.start).days / self.days, 2)


def _segments(axis: _Axis, entries, end: date, *, with_severity: bool) -> list[Segment]:
    """One bar per run of the same state; a run that began before the axis starts at its left edge."""
    segments = []
    previous = None
    for index, entry in enumerate(entries):
        until = entries[index + 1].on if index + 1 < len(entries) else end
        if until <= axis.start and index + 1 < len(entries):
            continue  # over before the span shown
        severity = getattr(entry, "severity", None) if with_severity else None
        if previous is not None and (previous.status, previous.severity) == (entry.status, severity):
            # The same state recorded again draws as one bar (same colour, height and title).
            x0 = float(previous.x)
            previous.width = _n(max(axis.x(until) - x0, 2.0))
            continue
        x0, x1 = axis.x(max(entry.on, axis.start)), axis.x(until)
        height = LANE_HEIGHT
        if severity is not None:
            # Taller for more severe; a resolved symptom keeps a thin line so the lane stays visible.
            height = max(3.0, LANE_HEIGHT * severity / 10)
        previous = Segment(
            x=_n(x0),
            width=_n(max(x1 - x0, 2.0)),
            status=entry.status,
            label=entry.get_status_display(),
            severity=severity,
            y=_n(LANE_HEIGHT - height),
            height=_n(height),
        )
        segments.append(previous)
    return segments


def _symptom_summary(symptom, entries) -> str:
    parts = [f"{e.get_status_display().lower()} from {_when(e.on)} (severity {e.severity} of 10)" for e in entries[-6:]]
    return f"{symptom.name}: " + ("; ".join(parts) if parts else "no history yet")


def _cause_summary(cause, entries) -> str:
    parts = [f"{e.get_status_display().lower()} from {_when(e.on)}" for e in entries[-6:]]
    return f"{cause.hypothesis}: " + "; ".join(parts)


def build(
    *, causes, symptoms, session_days: list[date], scores: dict, today: date, since: date | None = None
) -> Timeline:
    """``causes`` and ``symptoms`` come with their histories (and links) prefetched. With ``since``,
    the axis starts there at the earliest; states in force on that day are drawn from its left edge."""
    days = [e.on for s in symptoms for e in s.entries()] + [e.on for c in causes for e in c.entries()]
    days += session_days + [p.on for points in scores.values() for p in points]
    start = min(days) if days else today
    end = max([today, *days])
    start = start - timedelta(days=7)
    earlier = since is not None and start < since
    if earlier:
        start = since
        session_days = [d for d in session_days if d >= since]
        scores = {code: [p for p in points if p.on >= since] for code, points in scores.items()}
    axis = _Axis(start, end)

    def symptom_lane(symptom) -> Lane:
        entries = symptom.entries()
        segments = _segments(axis, entries, end, with_severity=True)
        return Lane(
            name=symptom.name,
            summary=_symptom_summary(symptom, entries),
            segments=segments,
            uuid=str(symptom.uuid),
            bars=_bars(segments, with_severity=True),
        )

    groups = []
    linked = set()
    for cause in causes:
        entries = cause.entries()
        members = list(cause.symptoms.all())
        linked.update(s.id for s in members)
        segments = _segments(axis, entries, end, with_severity=False)
        band = Lane(
            name=cause.hypothesis,
            summary=_cause_summary(cause, entries),
            segments=segments,
            uuid=str(cause.uuid),
            bars=_bars(segments, with_severity=False),
        )
        by_id = {s.id: s for s in symptoms}
        groups.append(Group(cause=cause, band=band, lanes=[symptom_lane(by_id.get(s.id, s)) for s in members]))
    loose = [s for s in symptoms if s.id not in linked]
    if loose:
        groups.append(Group(cause=None, band=None, lanes=[symptom_lane(s) for s in loose]))

    measures = []
    for code, points in sorted(scores.items()):
        if not points:
            continue
        low, high = MEASURE_SCALES.get(code, (min(p.value for p in points), max(p.value for p in points) or 1))
        name = MEASURE_NAMES.get(code, code)
        span = (high - low) or 1
        coords = [
            (axis.x(p.on), round(MEASURE_HEIGHT - 4 - (MEASURE_HEIGHT - 8) * (p.value - low) / span, 2)) for p in points
        ]
        first, last = points[0], points[-1]
        said = f"{number(code, first.value)} on {_when(first.on)}"
        measures.append(
            MeasureLine(
                name=name,
                points=" ".join(f"{_n(x)},{_n(y)}" for x, y in coords),
                summary=(
                    f"{name}: {said}"
                    if len(points) == 1
                    else f"{name}: {len(points)} scores, {said}, latest {number(code, last.value)} on {_when(last.on)}"
                ),
                dots=format_rows("", _DOT, ((_n(x), _n(y)) for x, y in coords)),
            )
        )

    sessions = [_n(axis.x(d)) for d in session_days]
    ticks = _ticks(start, end, axis)
    return Timeline(
        start=start,
        end=end,
        groups=groups,
        sessions=sessions,
        session_summary=(
            f"{len(session_days)} sessions, from {_when(session_days[0])} to {_when(session_days[-1])}"
            if session_days
            else "No sessions yet"
        ),
        measures=measures,
        ticks=ticks,
        earlier=earlier,
        session_marks=format_rows("", _SESSION_MARK, ((x,) for x in sessions)),
        tick_marks=format_rows(
            "", _TICK, ((_n(float(x) / WIDTH * 100), _anchor(float(x) / WIDTH * 100), label) for x, label in ticks)
        ),
    )


def _ticks(start: date, end: date, axis: _Axis) -> list[tuple[str, str]]:
    span = (end - start).days
    ticks = []
    if span > 540:
        for year in range(start.year + 1, end.year + 1):
            ticks.append((_n(axis.x(date(year, 1, 1))), str(year)))
    else:
        # Every month while there is room on a phone for each label, then every second or third.
        step = 1 if span <= 200 else 2 if span <= 400 else 3
        month = date(start.year, start.month, 1)
        while month <= end:
            if month > start and (month.month - 1) % step == 0:
                ticks.append((_n(axis.x(month)), f"{month:%b %Y}" if month.month == 1 or not ticks else f"{month:%b}"))
            month = date(month.year + (month.month // 12), month.month % 12 + 1, 1)
    return ticks

"""Reading the ending summary: which ending a client has, and the parts of it computed from their record.

``ending_for(client)``
    The ending being prepared, else the latest one that has ended (a withdrawn one is never shown).
``summary_parts(ending)``
    Everything the client's page and PDF show besides the client's own words: where they started and
    where they are now (first and latest result of each questionnaire, in plain words, with a chart),
    what helps them, the practices they returned to most, their self-care plan, the causes they worked
    on (shared formulation items only, in the client's wording), and the therapist's letter.
``staff_view(ending)``
    The client's words and choices as the therapist sees them: as they stand while the ending is being
    prepared, and as they stood on the day care ended (``staff_copy``) after it.

Each part uses a fixed number of queries, however long the history.
"""

from dataclasses import dataclass, field

from django.db.models import Case, F, Value, When
from django.utils import timezone

from core.compiled import CompiledRead
from ending.models import Ending
from formulation.selectors import causes_shared_with
from measures.charts import chart_figure, line_chart
from measures.instruments import INSTRUMENTS
from measures.models import MeasureResponse
from mindfulness.summary import what_helps_rows
from selfcare.models import Activity

# What each questionnaire is about, in plain words, for "PHQ-9 (low mood): 17, moderately severe, ...".
TOPICS = {
    "phq9": "low mood",
    "gad7": "worry and anxiety",
    "phq15": "physical symptoms",
    "who5": "wellbeing",
    "scs_sf": "kindness to yourself",
}
# How many practices, and how many of "what helps me", the summary names.
TOP = 5

# The client's own words, in the order the page asks for them, with their headings.
WORDS = (
    ("started_words", "Where I was when I started"),
    ("now_words", "Where I am now"),
    ("helped_words", "What helped me"),
    ("carry_words", "What I want to carry on with"),
)
CHOICES = ("show_scores", "show_what_helps", "show_practices", "show_selfcare", "show_causes", "show_letter")


# One query, built by the ORM once (core/compiled.py): the client's home asks on every view. A preparing ending
# sorts before any that ended.
_CURRENT = CompiledRead(
    Ending,
    lambda shape, *, client: Ending.objects.for_client(client)
    .filter(state__in=[Ending.State.PREPARING, Ending.State.ENDED])
    .select_related("therapist__user")
    .order_by(
        Case(When(state=Ending.State.PREPARING, then=Value(0)), default=Value(1)),
        F("ended_at").desc(nulls_last=True),
        "-started_at",
    )[:1],
    {"client": int},
)


def ending_asked(client):
    """The read ``ending_for`` makes, to name to a page's panels (``core.panels.reading``)."""
    return _CURRENT.asked(client=client.pk)


def ending_for(client) -> Ending | None:
    """The ending being prepared, else the latest that has ended; None when there is neither. It comes with
    ``client`` as its client (with what the caller loaded with it: the practice, say)."""
    ending = ending_asked(client).first()
    if ending is not None:
        ending.client = client
    return ending


@dataclass
class ScorePoint:
    value: str
    band: str
    day: object


@dataclass
class ScoreLine:
    instrument: str
    name: str
    topic: str
    first: ScorePoint
    latest: ScorePoint
    count: int
    chart: dict = field(default_factory=dict)

    @property
    def sentence(self) -> str:
        """ "PHQ-9 (low mood): 17, moderately severe, on 3 March 2026 → 6, mild, on 1 December 2026"."""
        start = f"{self.name} ({self.topic}): {self._point(self.first)}"
        if self.count < 2:
            return f"{start} (answered once)"
        return f"{start} → {self._point(self.latest)}"

    @property
    def figure(self) -> str:
        """The chart, with the sentence and the number of results as its description; empty without a chart."""
        if not self.chart:
            return ""
        return chart_figure(
            self.chart, key=self.instrument, description=f"{self.sentence}. {self.count} results in all."
        )

    @staticmethod
    def _point(point: ScorePoint) -> str:
        return f"{point.value}, {point.band.lower()}, on {point.day.day} {point.day:%B %Y}"

    @property
    def direction(self) -> str:
        instrument = INSTRUMENTS[self.instrument]
        return (
            "Higher numbers mean feeling better." if instrument.higher_is_better else "Lower numbers mean less trouble."
        )


def _shown(instrument_id: str, total) -> tuple[float, str]:
    """The number charted and said: WHO-5 as its percentage, the others their total."""
    value = total * 4 if instrument_id == "who5" else total
    text = f"{value:g}%" if instrument_id == "who5" else f"{value:g}"
    return value, text


# The ending's pages, each view: built by the ORM once (core/compiled.py).
_SCORES = CompiledRead(
    MeasureResponse,
    lambda shape, *, client: MeasureResponse.objects.for_client(client)
    .order_by("completed_at", "id")
    .values_list("instrument", "completed_at", "total", "band"),
    {"client": int},
)
_SELFCARE = CompiledRead(Activity, lambda shape, *, client: Activity.objects.for_client(client), {"client": int})


def score_lines(client) -> list[ScoreLine]:
    """First and latest result of each questionnaire the client completed, with its chart. One query."""
    zone = client.practice.zone
    by_instrument: dict[str, list] = {}
    for instrument_id, at, total, band in _SCORES.rows(client=client.pk):
        by_instrument.setdefault(instrument_id, []).append((timezone.localdate(at, timezone=zone), total, band))
    lines = []
    for instrument_id, instrument in INSTRUMENTS.items():
        found = by_instrument.get(instrument_id)
        if not found:
            continue

        def point(row, instrument=instrument, instrument_id=instrument_id):
            day, total, band = row
            return ScorePoint(value=_shown(instrument_id, total)[1], band=instrument.band_label(band), day=day)

        line = ScoreLine(
            instrument=instrument_id,
            name=instrument.short_title,
            topic=TOPICS.get(instrument_id, instrument.title),
            first=point(found[0]),
            latest=point(found[-1]),
            count=len(found),
        )
        if len(found) > 1:
            line.chart = line_chart(
                [(day.isoformat(), _shown(instrument_id, total)[0]) for day, total, _band in found],
                low=instrument.scale_min,
                high=instrument.scale_max,
                title=f"{instrument.short_title} ({line.topic}) over time",
            )
        lines.append(line)
    return lines


def shared_causes(client) -> list[str]:
    """The causes the therapist shared with the client, in the client's wording; nothing else. One query."""
    return [cause.client_wording for cause in causes_shared_with(client) if cause.client_wording]


def summary_parts(ending: Ending) -> dict:
    """The computed parts of the summary (see the module's docstring), each whether or not it is chosen."""
    client = ending.client
    rows, _last = what_helps_rows(client)
    helps = [row for row in rows if row.score is not None and row.score > 0][:TOP]
    most = sorted(rows, key=lambda r: (-r.times, r.title))[:TOP]
    return {
        "scores": score_lines(client),
        "what_helps": [row.title for row in helps],
        "practices": [{"title": row.title, "times": row.times} for row in most],
        "selfcare": [
            {"text": a.text, "area": a.get_area_display(), "rhythm": a.get_rhythm_display()}
            for a in _SELFCARE.objects(client=client.pk)
        ],
        "causes": shared_causes(client),
        "letter": ending.letter,
        "therapist": ending.therapist.display_name,
    }


def words_of(ending: Ending) -> list[dict]:
    """The client's own words as they stand, with their headings (empty ones left out)."""
    return [{"heading": heading, "text": getattr(ending, name)} for name, heading in WORDS if getattr(ending, name)]


def staff_copy_of(ending: Ending) -> dict:
    """What the therapist keeps when care ends: the client's words, choices and the letter as they stand."""
    return {
        **{name: getattr(ending, name) for name, _heading in WORDS},
        **{name: getattr(ending, name) for name in CHOICES},
        "follow_up": ending.follow_up,
        "letter": ending.letter,
        "taken_at": timezone.now().isoformat(),
    }


def staff_view(ending: Ending) -> dict:
    """The words, choices and letter the therapist's page shows: live while preparing, frozen after."""
    source = ending.staff_copy if ending.state == Ending.State.ENDED and ending.staff_copy else staff_copy_of(ending)
    return {
        "words": [
            {"heading": heading, "text": source.get(name, "")} for name, heading in WORDS if source.get(name, "")
        ],
        "choices": {name: bool(source.get(name, True)) for name in CHOICES},
        "follow_up": bool(source.get("follow_up")),
        "letter": source.get("letter", ""),
        "frozen": ending.state == Ending.State.ENDED,
    }

"""The symptom-shift watch, as pure functions over plain histories (no database).

Two rules, both suggestions for the therapist (docs/formulation-notes-caseload.md,
"The symptom-shift watch"):

1. **Symptom shift.** A symptom linked to a cause that is still open resolves,
   or eases a lot, and within ``window`` (12 weeks by default) another symptom
   linked to the same cause appears for the first time or comes back, while
   that cause is still open. "The symptom is cured but only for the issue to
   resurrect itself in another form later on."
2. **Self-compassion unchanged.** A symptom measure improves reliably (PHQ-9
   fall of 6 or more, GAD-7 fall of 4 or more: instruments.md section 7) while the
   SCS-SF mean moved less than ``SCS_UNCHANGED`` over the same span. SCS-SF has
   no published reliable-change index, so that threshold is ours, and is
   documented as a rough guide, not a validated cut-off.
"""

from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

DEFAULT_WINDOW = timedelta(weeks=12)
# "Eases a lot": this many points below the highest severity since the symptom (re)appeared.
BIG_EASE = 4
# Reliable improvement thresholds (instruments.md §7). PHQ-15 has none published, so it is left out.
RELIABLE_IMPROVEMENT = {"phq9": 6, "gad7": 4}
# SCS-SF is a mean of 1-5. A move smaller than this counts as "not changed".
SCS_UNCHANGED = 0.5
# How far either side of the symptom-measure span an SCS-SF score may sit and still count.
SCS_SLACK = timedelta(days=28)

SYMPTOM_ACTIVE = {"present", "easing", "returned"}


@dataclass(frozen=True)
class Mark:
    on: date
    status: str
    severity: int | None = None


@dataclass
class SymptomTrack:
    key: Hashable
    history: list[Mark]


@dataclass
class CauseTrack:
    key: Hashable
    history: list[Mark]
    symptoms: list[Hashable] = field(default_factory=list)


@dataclass(frozen=True)
class Shift:
    cause: Hashable
    eased: Hashable
    eased_on: date
    how_eased: str  # "resolved" or "eased"
    appeared: Hashable
    appeared_on: date
    how_appeared: str  # "new" or "returned"

    @property
    def key(self) -> str:
        return f"shift:{self.cause}:{self.eased}:{self.eased_on}:{self.appeared}:{self.appeared_on}"


@dataclass(frozen=True)
class Score:
    on: date
    value: float


@dataclass(frozen=True)
class CompassionUnchanged:
    instrument: str
    first: Score
    last: Score
    scs_first: Score
    scs_last: Score

    @property
    def key(self) -> str:
        return f"compassion:{self.instrument}:{self.first.on}"


def _ordered(history: Iterable[Mark]) -> list[Mark]:
    return sorted(history, key=lambda m: m.on)


def cause_open_on(cause: CauseTrack, day: date) -> bool:
    """Whether the cause was still open (anything but resolved) on ``day``.

    A cause with no status on or before the day is a hypothesis about the
    client's past, so it counts as open then.
    """
    status = None
    for mark in _ordered(cause.history):
        if mark.on > day:
            break
        status = mark.status
    return status != "resolved"


def easings(symptom: SymptomTrack) -> list[tuple[date, str]]:
    """When the symptom resolved, or eased a lot, once per episode."""
    found: list[tuple[date, str]] = []
    peak = None
    eased_this_episode = False
    previous = None
    for mark in _ordered(symptom.history):
        if mark.status == "resolved":
            if previous is not None and previous != "resolved" and not eased_this_episode:
                found.append((mark.on, "resolved"))
            peak, eased_this_episode = None, False
        else:
            if previous == "resolved":  # a new episode
                peak, eased_this_episode = None, False
            severity = mark.severity
            if severity is not None:
                if peak is not None and not eased_this_episode and peak - severity >= BIG_EASE:
                    found.append((mark.on, "eased"))
                    eased_this_episode = True
                peak = severity if peak is None else max(peak, severity)
        previous = mark.status
    return found


def appearances(symptom: SymptomTrack) -> list[tuple[date, str]]:
    """When the symptom first appeared, and each time it came back after resolving."""
    found: list[tuple[date, str]] = []
    previous = None
    for mark in _ordered(symptom.history):
        if mark.status in SYMPTOM_ACTIVE:
            if previous is None:
                found.append((mark.on, "new"))
            elif previous == "resolved" or (mark.status == "returned" and previous != "returned"):
                found.append((mark.on, "returned"))
        previous = mark.status
    return found


def symptom_shifts(
    causes: Iterable[CauseTrack], symptoms: Iterable[SymptomTrack], *, window: timedelta = DEFAULT_WINDOW
) -> list[Shift]:
    by_key = {s.key: s for s in symptoms}
    shifts: list[Shift] = []
    for cause in causes:
        linked = [by_key[k] for k in cause.symptoms if k in by_key]
        for eased in linked:
            for eased_on, how_eased in easings(eased):
                if not cause_open_on(cause, eased_on):
                    continue
                for other in linked:
                    if other.key == eased.key:
                        continue
                    for appeared_on, how in appearances(other):
                        if eased_on <= appeared_on <= eased_on + window and cause_open_on(cause, appeared_on):
                            shifts.append(Shift(cause.key, eased.key, eased_on, how_eased, other.key, appeared_on, how))
    return shifts


def compassion_unchanged(symptom_scores: dict[str, list[Score]], scs: list[Score]) -> list[CompassionUnchanged]:
    """Symptom measures improving reliably while the SCS-SF mean stays where it was."""
    found: list[CompassionUnchanged] = []
    scs = sorted(scs, key=lambda s: s.on)
    for instrument, threshold in RELIABLE_IMPROVEMENT.items():
        series = sorted(symptom_scores.get(instrument, []), key=lambda s: s.on)
        if len(series) < 2:
            continue
        first, last = series[0], series[-1]
        if first.value - last.value < threshold:
            continue
        span = [s for s in scs if first.on - SCS_SLACK <= s.on <= last.on + SCS_SLACK]
        if len(span) < 2 or span[0].on == span[-1].on:
            continue
        if abs(span[-1].value - span[0].value) < SCS_UNCHANGED:
            found.append(CompassionUnchanged(instrument, first, last, span[0], span[-1]))
    return found

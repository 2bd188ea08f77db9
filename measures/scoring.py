"""Pure scoring of the questionnaires (../shared/instruments.md §1–§7).

No database, no Django: the same functions serve the forms, the journey,
the caseload, and ``manage.py measures score|change`` (§12). Answers are in
printed item order, as stored (§1). An incomplete or malformed form raises
``ScoringError`` with a plain reason and is never scored.
"""

from fractions import Fraction
from functools import cache

from measures.instruments import INSTRUMENTS, SCS_SF

# NHS Talking Therapies thresholds (§7): reliable change in points, caseness cut-off.
RELIABLE_CHANGE = {"phq9": 6, "gad7": 4}
CASENESS = {"phq9": 10, "gad7": 8}
# WHO-5: "a 10% difference indicates a significant change" (§4.2), in percentage points.
WHO5_CHANGE_POINTS = 10

SCS_SF_REVERSED = (1, 4, 8, 9, 11, 12)  # 1-based (§5)
SCS_SF_SUBSCALES = {
    "self_kindness": (2, 6),
    "self_judgment": (11, 12),
    "common_humanity": (5, 10),
    "isolation": (4, 8),
    "mindfulness": (3, 7),
    "over_identification": (1, 9),
}


class ScoringError(ValueError):
    """The form cannot be scored; ``str(error)`` is a plain reason."""


@cache
def _allowed(instrument_id: str) -> tuple[frozenset, ...]:
    instrument = INSTRUMENTS[instrument_id]
    return tuple(
        frozenset(option.value for option in instrument.options_for(index)) for index in range(instrument.n_items)
    )


def validate_answers(instrument_id: str, answers) -> list:
    """Check an answer vector; return it as a list, or raise ``ScoringError``."""
    instrument = INSTRUMENTS.get(instrument_id)
    if instrument is None:
        raise ScoringError(f"unknown instrument {instrument_id!r}")
    if not isinstance(answers, (list, tuple)):
        raise ScoringError("answers must be a list")
    if len(answers) != instrument.n_items:
        raise ScoringError(f"{instrument_id} has {instrument.n_items} items but {len(answers)} answers were given")
    for index, (value, allowed) in enumerate(zip(answers, _allowed(instrument_id), strict=True)):
        if type(value) is int and value in allowed:
            continue  # the common case, checked first
        if value is None:
            if None in allowed:
                continue
            raise ScoringError(f"item {index + 1} is not answered; an incomplete form is not scored")
        # bool is an int in Python; true/false are not answers.
        if isinstance(value, bool) or not isinstance(value, int):
            raise ScoringError(f"item {index + 1} must be a whole number")
        if value not in allowed:
            low = min(v for v in allowed if v is not None)
            high = max(v for v in allowed if v is not None)
            raise ScoringError(f"item {index + 1} is {value}, outside {low}–{high}")
    return list(answers)


def band_for(instrument_id: str, total) -> str:
    """The band id for a total (WHO-5: the percentage; SCS-SF: the mean)."""
    if instrument_id == "scs_sf":
        # Compare exactly: the platform's edges are < 2.5 low, 2.5–3.5 moderate, > 3.5 high (§5).
        exact = Fraction(total).limit_denominator(10_000)
        if exact < Fraction(5, 2):
            return "low"
        if exact <= Fraction(7, 2):
            return "moderate"
        return "high"
    for band_id, _label, low, high in INSTRUMENTS[instrument_id].bands:
        if low <= total <= high:
            return band_id
    raise ScoringError(f"total {total} is outside the {instrument_id} bands")


def score(instrument_id: str, answers) -> dict:
    """Score one complete form. Keys follow instruments.md §12 exactly."""
    answers = validate_answers(instrument_id, answers)
    if instrument_id == "phq9":
        total = sum(answers)
        return {
            "total": total,
            "band": band_for("phq9", total),
            # Any answer other than "Not at all" on item 9, whatever the total (§2.1).
            "item9_risk_flag": answers[8] >= 1,
            "nhs_tt_caseness": total >= CASENESS["phq9"],
        }
    if instrument_id == "gad7":
        total = sum(answers)
        return {"total": total, "band": band_for("gad7", total), "nhs_tt_caseness": total >= CASENESS["gad7"]}
    if instrument_id == "phq15":
        # Item 4 "not applicable" is stored as null, counts as 0, and lowers the maximum to 28 (§3).
        total = sum(value or 0 for value in answers)
        return {"total": total, "band": band_for("phq15", total), "max_possible": 28 if answers[3] is None else 30}
    if instrument_id == "who5":
        total = sum(answers)
        percentage = total * 4
        return {
            "total": total,
            "band": band_for("who5", percentage),
            "percentage": percentage,
            "depression_screen_recommended": total < 13 or any(value <= 1 for value in answers),
        }
    if instrument_id == "scs_sf":
        scored = [6 - value if number in SCS_SF_REVERSED else value for number, value in enumerate(answers, start=1)]
        total = sum(scored) / len(scored)
        subscales = {name: (answers[a - 1] + answers[b - 1]) / 2 for name, (a, b) in SCS_SF_SUBSCALES.items()}
        return {"total": total, "band": band_for("scs_sf", Fraction(sum(scored), 12)), "subscales": subscales}
    raise ScoringError(f"unknown instrument {instrument_id!r}")  # pragma: no cover - validate_answers catches it


def chart_value(instrument_id: str, result: dict):
    """The number drawn on charts: WHO-5 as its percentage, others their total."""
    return result["percentage"] if instrument_id == "who5" else result["total"]


def single_measure_change(instrument_id: str, pre_total, post_total) -> dict:
    """The single-measure view of §7 for PHQ-9 or GAD-7."""
    rc, cut_off = RELIABLE_CHANGE[instrument_id], CASENESS[instrument_id]
    if pre_total - post_total >= rc:
        change = "improved"
    elif post_total - pre_total >= rc:
        change = "deteriorated"
    else:
        change = "none"
    recovered = pre_total >= cut_off and post_total < cut_off
    return {
        "pre_total": pre_total,
        "post_total": post_total,
        "change": post_total - pre_total,
        "reliable_change": change,
        "at_caseness_pre": pre_total >= cut_off,
        "at_caseness_post": post_total >= cut_off,
        "recovered": recovered,
        "reliable_recovery": recovered and change == "improved",
    }


def who5_change(pre_total, post_total) -> dict:
    pre_pct, post_pct = pre_total * 4, post_total * 4
    points = post_pct - pre_pct
    if points >= WHO5_CHANGE_POINTS:
        change = "improved"
    elif points <= -WHO5_CHANGE_POINTS:
        change = "deteriorated"
    else:
        change = "none"
    return {
        "pre_total": pre_total,
        "post_total": post_total,
        "pre_percentage": pre_pct,
        "post_percentage": post_pct,
        "change_percentage_points": points,
        "reliable_change": change,
    }


def nhs_tt_outcome(phq_pre, gad_pre, phq_post, gad_post) -> dict:
    """The combined NHS Talking Therapies outcome, exactly the reference algorithm of §7."""
    d_phq, d_gad = phq_post - phq_pre, gad_post - gad_pre  # negative = fewer symptoms
    imp = (-d_phq >= 6) or (-d_gad >= 4)
    det = (d_phq >= 6) or (d_gad >= 4)
    change = "improved" if imp and not det else "deteriorated" if det and not imp else "none"
    case_pre = phq_pre >= 10 or gad_pre >= 8
    case_post = phq_post >= 10 or gad_post >= 8
    recovered = case_pre and not case_post
    return {
        "phq9_pre": phq_pre,
        "phq9_post": phq_post,
        "gad7_pre": gad_pre,
        "gad7_post": gad_post,
        "phq9_change": d_phq,
        "gad7_change": d_gad,
        "reliable_change": change,
        "mixed_change": imp and det,
        "at_caseness_pre": case_pre,
        "at_caseness_post": case_post,
        "recovered": recovered,
        "reliable_recovery": recovered and change == "improved",
    }


def total_change(instrument_id: str, pre_total, post_total) -> dict:
    """Change between two totals, by each instrument's own rule.

    PHQ-15 and SCS-SF have no published reliable-change threshold (§3, §5):
    only the raw change is given, with no "reliable" label.
    """
    if instrument_id in RELIABLE_CHANGE:
        return single_measure_change(instrument_id, pre_total, post_total)
    if instrument_id == "who5":
        return who5_change(pre_total, post_total)
    return {"pre_total": pre_total, "post_total": post_total, "change": post_total - pre_total}


def change(instrument_id: str, pre_answers, post_answers) -> dict:
    """Change between two complete forms (§12 ``measures change``)."""
    if instrument_id == "nhs_tt_phq9_gad7":
        for name, value in (("pre_answers", pre_answers), ("post_answers", post_answers)):
            if not isinstance(value, dict) or set(value) != {"phq9", "gad7"}:
                raise ScoringError(f"{name} must be an object with phq9 and gad7 answers")
        return nhs_tt_outcome(
            score("phq9", pre_answers["phq9"])["total"],
            score("gad7", pre_answers["gad7"])["total"],
            score("phq9", post_answers["phq9"])["total"],
            score("gad7", post_answers["gad7"])["total"],
        )
    pre = score(instrument_id, pre_answers)["total"]
    post = score(instrument_id, post_answers)["total"]
    return total_change(instrument_id, pre, post)


__all__ = [
    "CASENESS",
    "RELIABLE_CHANGE",
    "SCS_SF",
    "ScoringError",
    "band_for",
    "change",
    "chart_value",
    "nhs_tt_outcome",
    "score",
    "single_measure_change",
    "total_change",
    "validate_answers",
    "who5_change",
]

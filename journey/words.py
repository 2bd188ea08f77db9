"""Change in plain words. Gentle: never "worse", never a grade; "improved" means fewer difficulties (§1)."""

from measures.instruments import INSTRUMENTS

BIGGER = "a change bigger than everyday ups and downs"


def _fmt(instrument_id, value):
    if instrument_id == "scs_sf":
        return f"{value:.2f}"
    return f"{value:g}"


def describe_change(instrument_id: str, change: dict, count: int, *, therapist_name: str = "your therapist") -> str:
    """One or two sentences for the client about first-to-latest change on one questionnaire."""
    instrument = INSTRUMENTS[instrument_id]
    if count < 2:
        return "One so far. Change shows once there are two or more."
    pre, post = change["pre_total"], change["post_total"]
    if instrument_id == "who5":
        pre, post = change["pre_percentage"], change["post_percentage"]
    movement = f"From {_fmt(instrument_id, pre)} at the start to {_fmt(instrument_id, post)} most recently"
    reliable = change.get("reliable_change")
    if reliable == "improved":
        what = "more wellbeing" if instrument.higher_is_better else "fewer difficulties"
        return f"{movement}: {what} than when you began, {BIGGER}."
    if reliable == "deteriorated":
        what = "less wellbeing" if instrument.higher_is_better else "more difficulties"
        return (
            f"{movement}: {what} lately than when you began, {BIGGER}. "
            f"Hard stretches are part of many journeys; it may help to talk it over with {therapist_name}."
        )
    if reliable == "none":
        return f"{movement}: within everyday ups and downs so far."
    # PHQ-15 and SCS-SF: no published reliable-change threshold, so only the raw change (§3, §5).
    return f"{movement}."

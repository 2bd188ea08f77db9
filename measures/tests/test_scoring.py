"""Scoring against instruments.md, with independent reference implementations written here."""

import itertools
import json
import subprocess
import sys
from io import StringIO

import pytest
from django.core.management import call_command
from hypothesis import given
from hypothesis import strategies as st

from measures.instruments import INSTRUMENTS
from measures.scoring import ScoringError, change, nhs_tt_outcome, score


def reference_phq9(answers):
    # Written from §2.1 without looking at scoring.py.
    total = 0
    for a in answers:
        total += a
    if total <= 4:
        band = "minimal"
    elif total <= 9:
        band = "mild"
    elif total <= 14:
        band = "moderate"
    elif total <= 19:
        band = "moderately_severe"
    else:
        band = "severe"
    return {"total": total, "band": band, "item9_risk_flag": answers[-1] != 0, "nhs_tt_caseness": not total < 10}


def reference_gad7(answers):
    total = 0
    for a in answers:
        total += a
    band = ["minimal", "mild", "moderate", "severe"][min(total // 5, 3)]
    return {"total": total, "band": band, "nhs_tt_caseness": total > 7}


def test_every_phq9_answer_vector_scores_like_the_reference():
    mismatches = 0
    flagged = 0
    for answers in itertools.product(range(4), repeat=9):
        got = score("phq9", list(answers))
        if got != reference_phq9(answers):
            mismatches += 1
        flagged += got["item9_risk_flag"]
    assert mismatches == 0
    # Three in four vectors have item 9 above "Not at all".
    assert flagged == 3 * 4**8


def test_every_gad7_answer_vector_scores_like_the_reference():
    mismatches = sum(
        score("gad7", list(answers)) != reference_gad7(answers) for answers in itertools.product(range(4), repeat=7)
    )
    assert mismatches == 0


def test_item9_raises_the_flag_whatever_the_total():
    result = score("phq9", [0, 0, 0, 0, 0, 0, 0, 0, 1])
    assert result == {"total": 1, "band": "minimal", "item9_risk_flag": True, "nhs_tt_caseness": False}


def test_gad7_eight_is_mild_yet_a_clinical_case():
    result = score("gad7", [2, 2, 2, 2, 0, 0, 0])
    assert (result["band"], result["nhs_tt_caseness"]) == ("mild", True)


def test_phq15_item4_not_applicable_counts_as_zero_and_lowers_the_maximum():
    answers = [2] * 15
    answers[3] = None
    assert score("phq15", answers) == {"total": 28, "band": "high", "max_possible": 28}
    assert score("phq15", [0] * 15) == {"total": 0, "band": "minimal", "max_possible": 30}


def test_phq15_only_item4_may_be_not_applicable():
    answers = [0] * 15
    answers[4] = None
    with pytest.raises(ScoringError, match="item 5 is not answered"):
        score("phq15", answers)


@pytest.mark.parametrize(
    ("total", "band"), [(4, "minimal"), (5, "low"), (9, "low"), (10, "medium"), (14, "medium"), (15, "high")]
)
def test_phq15_bands_are_inclusive(total, band):
    answers = [0] * 15
    for i in range(total):
        answers[i % 15] += 1
    assert score("phq15", answers)["band"] == band


@pytest.mark.parametrize(
    ("answers", "band", "percentage", "screen"),
    [
        ([1, 1, 2, 2, 1], "likely_depression", 28, True),
        ([2, 2, 2, 1, 1], "poor_wellbeing", 32, True),
        ([3, 3, 2, 2, 2], "poor_wellbeing", 48, True),
        ([3, 3, 3, 2, 2], "not_low", 52, False),
        ([5, 5, 5, 5, 1], "not_low", 84, True),  # one item at 1 recommends screening even when "not_low"
        ([5, 5, 5, 5, 5], "not_low", 100, False),
    ],
)
def test_who5_percentage_bands_and_screen_flag(answers, band, percentage, screen):
    result = score("who5", answers)
    assert result["percentage"] == percentage == sum(answers) * 4
    assert result["band"] == band
    assert result["depression_screen_recommended"] is screen


def test_scs_sf_all_ones_or_all_fives_score_three():
    assert score("scs_sf", [1] * 12)["total"] == 3.0
    assert score("scs_sf", [5] * 12)["total"] == 3.0


def test_scs_sf_reverses_six_items_for_the_total_but_not_the_subscales():
    answers = [1, 5, 5, 1, 5, 5, 5, 1, 1, 5, 1, 1]  # the most self-compassionate answers
    result = score("scs_sf", answers)
    assert result["total"] == 5.0
    assert result["band"] == "high"
    assert result["subscales"] == {
        "self_kindness": 5.0,
        "self_judgment": 1.0,
        "common_humanity": 5.0,
        "isolation": 1.0,
        "mindfulness": 5.0,
        "over_identification": 1.0,
    }


@pytest.mark.parametrize(("scored_sum", "band"), [(29, "low"), (30, "moderate"), (42, "moderate"), (43, "high")])
def test_scs_sf_band_edges_at_exactly_2_5_and_3_5_are_moderate(scored_sum, band):
    # Build answers on non-reversed items (2,3,5,6,7,10) plus reversed ones at 3 (which stay 3).
    answers = [3] * 12
    extra = scored_sum - 36
    plain = [1, 2, 4, 5, 6, 9]  # 0-based non-reversed
    for i in range(abs(extra)):
        answers[plain[i % 6]] += 1 if extra > 0 else -1
    result = score("scs_sf", answers)
    assert result["total"] == scored_sum / 12
    assert result["band"] == band


@given(st.lists(st.integers(min_value=1, max_value=5), min_size=12, max_size=12))
def test_scs_sf_total_is_the_mean_after_reversal(answers):
    reversed_items = {1, 4, 8, 9, 11, 12}
    expected = sum((6 - a) if n in reversed_items else a for n, a in enumerate(answers, 1)) / 12
    assert score("scs_sf", answers)["total"] == pytest.approx(expected)
    assert 1.0 <= score("scs_sf", answers)["total"] <= 5.0


@pytest.mark.parametrize(
    ("instrument", "answers", "reason"),
    [
        ("phq9", [0] * 8, "9 items but 8"),
        ("phq9", [0] * 8 + [4], "outside 0–3"),
        ("phq9", [0] * 8 + [None], "not answered"),
        ("gad7", [0] * 6 + [True], "whole number"),
        ("who5", [0, 0, 0, 0, 6], "outside 0–5"),
        ("scs_sf", [0] * 12, "outside 1–5"),
        ("core10", [0] * 10, "unknown instrument"),
        ("phq9", "000000000", "must be a list"),
    ],
)
def test_malformed_or_incomplete_forms_are_never_scored(instrument, answers, reason):
    with pytest.raises(ScoringError, match=reason):
        score(instrument, answers)


def reference_nhs_tt(phq_pre, gad_pre, phq_post, gad_post):
    # §7 in words: improvement needs a fall of ≥6 (PHQ-9) or ≥4 (GAD-7) and no reliable rise on the other.
    phq_up, phq_down = phq_post - phq_pre >= 6, phq_pre - phq_post >= 6
    gad_up, gad_down = gad_post - gad_pre >= 4, gad_pre - gad_post >= 4
    improved = (phq_down or gad_down) and not (phq_up or gad_up)
    deteriorated = (phq_up or gad_up) and not (phq_down or gad_down)
    case_pre = phq_pre >= 10 or gad_pre >= 8
    case_post = phq_post >= 10 or gad_post >= 8
    return improved, deteriorated, case_pre and not case_post


@given(*(st.integers(0, 27), st.integers(0, 21)) * 2)
def test_nhs_tt_outcome_matches_the_rules_in_words(phq_pre, gad_pre, phq_post, gad_post):
    result = nhs_tt_outcome(phq_pre, gad_pre, phq_post, gad_post)
    improved, deteriorated, recovered = reference_nhs_tt(phq_pre, gad_pre, phq_post, gad_post)
    assert result["reliable_change"] == ("improved" if improved else "deteriorated" if deteriorated else "none")
    assert result["recovered"] is recovered
    assert result["reliable_recovery"] is (recovered and improved)


def test_a_mixed_episode_is_no_reliable_change():
    result = nhs_tt_outcome(10, 5, 4, 9)
    assert (result["reliable_change"], result["mixed_change"]) == ("none", True)


def test_people_not_at_caseness_at_the_start_cannot_recover():
    result = nhs_tt_outcome(9, 7, 0, 0)
    assert (result["at_caseness_pre"], result["recovered"], result["reliable_change"]) == (False, False, "improved")


def test_who5_change_of_ten_points_is_reliable_in_either_direction():
    assert change("who5", [2, 2, 2, 2, 2], [3, 3, 2, 2, 2])["reliable_change"] == "none"  # +8
    assert change("who5", [2, 2, 2, 2, 2], [3, 3, 3, 2, 2])["reliable_change"] == "improved"  # +12
    assert change("who5", [3, 3, 3, 2, 2], [2, 2, 2, 2, 2])["reliable_change"] == "deteriorated"


def test_phq15_and_scs_sf_change_is_raw_with_no_reliable_label():
    result = change("scs_sf", [3] * 12, [4, 4, 4, 3, 3, 3, 3, 3, 3, 3, 3, 3])
    assert set(result) == {"pre_total", "post_total", "change"}


def test_every_instrument_carries_its_attribution_and_a_why_we_ask():
    for instrument in INSTRUMENTS.values():
        assert instrument.attribution and instrument.why_we_ask
    assert INSTRUMENTS["gad7"].options[0].label == "Not at all"  # never "Not at all sure" (§2.2)
    assert "No permission required to reproduce" in INSTRUMENTS["phq9"].attribution


def run_command(action, lines):
    out = StringIO()
    stdin = sys.stdin
    sys.stdin = StringIO("\n".join(lines) + "\n")
    try:
        call_command("measures", action, stdout=out)
    finally:
        sys.stdin = stdin
    return [json.loads(line) for line in out.getvalue().splitlines()]


@pytest.mark.django_db
def test_measures_score_command_writes_one_line_per_input_and_survives_bad_lines():
    got = run_command(
        "score",
        [
            '{"instrument": "phq9", "answers": [0, 1, 2, 0, 1, 0, 0, 1, 0]}',
            "not json",
            '{"instrument": "phq15", "answers": [0, 0, 0, null, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]}',
            '{"instrument": "nope", "answers": []}',
            '{"instrument": "who5", "answers": [5, 5, 5, 5, 5]}',
            '{"instrument": "scs_sf", "answers": [1, 5, 5, 1, 5, 5, 5, 1, 1, 5, 1, 1]}',
            '{"instrument": "gad7", "answers": [3, 3, 3, 3, 3, 3, 3]}',
        ],
    )
    assert got[0] == {"total": 5, "band": "mild", "item9_risk_flag": False, "nhs_tt_caseness": False}
    assert set(got[1]) == {"error"}
    assert got[2] == {"total": 0, "band": "minimal", "max_possible": 28}
    assert "unknown instrument" in got[3]["error"]
    assert got[4] == {"total": 25, "band": "not_low", "percentage": 100, "depression_screen_recommended": False}
    assert got[5]["total"] == 5.0 and set(got[5]["subscales"]) == {
        "self_kindness",
        "self_judgment",
        "common_humanity",
        "isolation",
        "mindfulness",
        "over_identification",
    }
    assert got[6] == {"total": 21, "band": "severe", "nhs_tt_caseness": True}


@pytest.mark.django_db
def test_measures_change_command_follows_the_contract_keys():
    got = run_command(
        "change",
        [
            '{"instrument": "phq9", "pre_answers": [2,2,2,2,2,0,0,0,0], "post_answers": [1,1,0,0,0,0,0,0,0]}',
            '{"instrument": "gad7", "pre_answers": [1,1,1,1,1,1,1], "post_answers": [2,2,2,2,1,1,1]}',
            '{"instrument": "who5", "pre_answers": [1,1,1,1,1], "post_answers": [3,3,1,1,1]}',
            '{"instrument": "nhs_tt_phq9_gad7", "pre_answers": {"phq9": [2,2,2,2,2,0,0,0,0], "gad7": [1,1,1,1,1,1,1]},'
            ' "post_answers": {"phq9": [1,1,0,0,0,0,0,0,0], "gad7": [1,1,1,0,0,0,0]}}',
            '{"instrument": "phq9", "pre_answers": [0,0], "post_answers": [0,0,0,0,0,0,0,0,0]}',
        ],
    )
    assert got[0] == {
        "pre_total": 10,
        "post_total": 2,
        "change": -8,
        "reliable_change": "improved",
        "at_caseness_pre": True,
        "at_caseness_post": False,
        "recovered": True,
        "reliable_recovery": True,
    }
    assert got[1]["reliable_change"] == "deteriorated" and got[1]["change"] == 4
    assert got[2] == {
        "pre_total": 5,
        "post_total": 9,
        "pre_percentage": 20,
        "post_percentage": 36,
        "change_percentage_points": 16,
        "reliable_change": "improved",
    }
    assert got[3] == {
        "phq9_pre": 10,
        "phq9_post": 2,
        "gad7_pre": 7,
        "gad7_post": 3,
        "phq9_change": -8,
        "gad7_change": -4,
        "reliable_change": "improved",
        "mixed_change": False,
        "at_caseness_pre": True,
        "at_caseness_post": False,
        "recovered": True,
        "reliable_recovery": True,
    }
    assert "error" in got[4]


def test_the_command_runs_as_a_real_process_with_json_lines_on_stdin():
    result = subprocess.run(  # noqa: S603 - our own manage.py with fixed arguments
        [sys.executable, "manage.py", "measures", "score"],
        input='{"instrument": "gad7", "answers": [1,1,1,1,1,1,1]}\n{bad\n',
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert lines == [{"total": 7, "band": "mild", "nhs_tt_caseness": False}, {"error": "this line is not valid JSON"}]

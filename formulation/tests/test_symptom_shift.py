"""The symptom-shift watch on hand-built histories: when each rule fires, and when it must stay quiet."""

from datetime import date, timedelta

from formulation.symptom_shift import (
    CauseTrack,
    Mark,
    Score,
    SymptomTrack,
    appearances,
    cause_open_on,
    compassion_unchanged,
    easings,
    symptom_shifts,
)

D = date(2026, 1, 5)


def day(n: int) -> date:
    return D + timedelta(days=n)


def panic_resolves_on(n: int) -> SymptomTrack:
    return SymptomTrack("panic", [Mark(day(0), "present", 8), Mark(day(30), "easing", 6), Mark(day(n), "resolved", 0)])


def sleep_appears_on(n: int) -> SymptomTrack:
    return SymptomTrack("sleep", [Mark(day(n), "present", 6)])


def critic(*history: Mark, symptoms=("panic", "sleep")) -> CauseTrack:
    return CauseTrack("critic", list(history) or [Mark(day(0), "open")], list(symptoms))


# --- It fires ---------------------------------------------------------------------------


def test_it_finds_a_new_symptom_after_a_linked_one_resolves_while_the_cause_is_open():
    shifts = symptom_shifts([critic()], [panic_resolves_on(60), sleep_appears_on(80)])
    assert len(shifts) == 1
    shift = shifts[0]
    assert (shift.cause, shift.eased, shift.appeared) == ("critic", "panic", "sleep")
    assert (shift.eased_on, shift.appeared_on) == (day(60), day(80))
    assert (shift.how_eased, shift.how_appeared) == ("resolved", "new")


def test_it_finds_a_resolved_symptom_coming_back_after_another_resolves():
    sleep = SymptomTrack(
        "sleep", [Mark(day(0), "present", 5), Mark(day(20), "resolved", 0), Mark(day(70), "returned", 5)]
    )
    shifts = symptom_shifts([critic()], [panic_resolves_on(60), sleep])
    assert [(s.appeared, s.appeared_on, s.how_appeared) for s in shifts] == [("sleep", day(70), "returned")]


def test_it_counts_a_large_ease_without_full_resolution():
    panic = SymptomTrack("panic", [Mark(day(0), "present", 9), Mark(day(40), "easing", 4)])
    shifts = symptom_shifts([critic()], [panic, sleep_appears_on(50)])
    assert [(s.eased_on, s.how_eased) for s in shifts] == [(day(40), "eased")]


def test_the_window_edges_are_inclusive():
    at_end = symptom_shifts([critic()], [panic_resolves_on(60), sleep_appears_on(60 + 84)])
    same_day = symptom_shifts([critic()], [panic_resolves_on(60), sleep_appears_on(60)])
    assert len(at_end) == 1 and len(same_day) == 1


def test_a_cause_being_worked_on_or_easing_still_counts_as_open():
    cause = critic(Mark(day(0), "open"), Mark(day(10), "working"), Mark(day(70), "easing"))
    assert len(symptom_shifts([cause], [panic_resolves_on(60), sleep_appears_on(80)])) == 1


def test_a_custom_window_is_honoured():
    shifts = symptom_shifts([critic()], [panic_resolves_on(60), sleep_appears_on(100)], window=timedelta(weeks=4))
    assert shifts == []
    shifts = symptom_shifts([critic()], [panic_resolves_on(60), sleep_appears_on(80)], window=timedelta(weeks=4))
    assert len(shifts) == 1


# --- It stays quiet -------------------------------------------------------------------------


def test_it_is_quiet_when_the_new_symptom_appears_after_the_window():
    assert symptom_shifts([critic()], [panic_resolves_on(60), sleep_appears_on(60 + 85)]) == []


def test_it_is_quiet_when_the_new_symptom_was_there_before_the_ease():
    assert symptom_shifts([critic()], [panic_resolves_on(60), sleep_appears_on(59)]) == []


def test_it_is_quiet_when_the_cause_had_resolved_before_the_ease():
    cause = critic(Mark(day(0), "open"), Mark(day(50), "resolved"))
    assert symptom_shifts([cause], [panic_resolves_on(60), sleep_appears_on(80)]) == []


def test_it_is_quiet_when_the_cause_resolved_before_the_new_symptom_appeared():
    cause = critic(Mark(day(0), "open"), Mark(day(70), "resolved"))
    assert symptom_shifts([cause], [panic_resolves_on(60), sleep_appears_on(80)]) == []


def test_it_is_quiet_when_the_new_symptom_is_linked_to_a_different_cause():
    critic_only_panic = critic(symptoms=("panic",))
    loss = CauseTrack("loss", [Mark(day(0), "open")], ["sleep"])
    assert symptom_shifts([critic_only_panic, loss], [panic_resolves_on(60), sleep_appears_on(80)]) == []


def test_it_is_quiet_when_the_new_symptom_is_not_linked_at_all():
    assert symptom_shifts([critic(symptoms=("panic",))], [panic_resolves_on(60), sleep_appears_on(80)]) == []


def test_it_is_quiet_for_a_small_ease():
    panic = SymptomTrack("panic", [Mark(day(0), "present", 8), Mark(day(40), "easing", 5)])
    assert symptom_shifts([critic()], [panic, sleep_appears_on(50)]) == []


def test_it_is_quiet_when_nothing_eased():
    panic = SymptomTrack("panic", [Mark(day(0), "present", 8)])
    assert symptom_shifts([critic()], [panic, sleep_appears_on(50)]) == []


def test_a_symptom_never_shifts_into_itself():
    panic = SymptomTrack(
        "panic", [Mark(day(0), "present", 8), Mark(day(40), "resolved", 0), Mark(day(60), "returned", 7)]
    )
    assert symptom_shifts([critic(symptoms=("panic",))], [panic]) == []


def test_a_symptom_first_recorded_as_resolved_is_not_an_ease():
    panic = SymptomTrack("panic", [Mark(day(0), "resolved", 0)])
    assert symptom_shifts([critic()], [panic, sleep_appears_on(10)]) == []


# --- The building blocks ---------------------------------------------------------------------


def test_easings_are_counted_once_per_episode():
    history = [
        Mark(day(0), "present", 9),
        Mark(day(10), "easing", 4),  # eased a lot
        Mark(day(20), "easing", 2),
        Mark(day(30), "resolved", 0),  # same episode: already counted
        Mark(day(40), "returned", 8),
        Mark(day(50), "resolved", 0),  # a new episode
    ]
    assert easings(SymptomTrack("x", history)) == [(day(10), "eased"), (day(50), "resolved")]


def test_appearances_are_the_first_record_and_each_return():
    history = [Mark(day(0), "present", 5), Mark(day(10), "resolved", 0), Mark(day(20), "present", 4)]
    assert appearances(SymptomTrack("x", history)) == [(day(0), "new"), (day(20), "returned")]


def test_a_cause_with_no_status_yet_is_open():
    assert cause_open_on(CauseTrack("c", [Mark(day(10), "resolved")]), day(5))
    assert not cause_open_on(CauseTrack("c", [Mark(day(10), "resolved")]), day(10))


# --- Self-compassion unchanged ----------------------------------------------------------------


def scores(*pairs):
    return [Score(day(n), v) for n, v in pairs]


def test_it_notices_reliable_phq9_improvement_with_flat_self_compassion():
    found = compassion_unchanged({"phq9": scores((0, 18), (56, 11))}, scores((0, 2.1), (56, 2.3)))
    assert [(f.instrument, f.first.value, f.last.value) for f in found] == [("phq9", 18, 11)]
    assert found[0].key == f"compassion:phq9:{day(0)}"


def test_it_uses_the_gad7_threshold_of_four():
    assert len(compassion_unchanged({"gad7": scores((0, 14), (40, 10))}, scores((0, 2.0), (40, 2.2)))) == 1
    assert compassion_unchanged({"gad7": scores((0, 14), (40, 11))}, scores((0, 2.0), (40, 2.2))) == []


def test_it_is_quiet_when_self_compassion_grew_too():
    assert compassion_unchanged({"phq9": scores((0, 18), (56, 8))}, scores((0, 2.1), (56, 3.0))) == []


def test_it_is_quiet_when_the_improvement_is_not_reliable():
    assert compassion_unchanged({"phq9": scores((0, 18), (56, 13))}, scores((0, 2.1), (56, 2.1))) == []


def test_it_is_quiet_without_two_self_compassion_scores_in_the_span():
    assert compassion_unchanged({"phq9": scores((0, 18), (56, 8))}, scores((0, 2.1))) == []
    far_away = scores((-200, 2.1), (300, 2.2))
    assert compassion_unchanged({"phq9": scores((0, 18), (56, 8))}, far_away) == []


def test_phq15_has_no_reliable_change_so_it_never_fires():
    assert compassion_unchanged({"phq15": scores((0, 20), (56, 5))}, scores((0, 2.1), (56, 2.1))) == []

"""The follow-ups a client may choose at the ending: "how are you doing now?" at three and six months.

Modelled on NHS Talking Therapies' follow-up: the same questionnaires the client completed during care,
some months after the ending. The results are the client's own: nobody at the practice sees them unless
the client shares them, and an unanswered follow-up is never chased (one invitation, then quiet).

A follow-up is *available* from its due date until it is answered, or until the next one falls due (the
last one: three months after its own date); then it quietly closes. It is never called "missed".
"""

import datetime

from dateutil.relativedelta import relativedelta
from django.db import IntegrityError, transaction
from django.db.models import prefetch_related_objects
from django.http import Http404
from django.utils import timezone

from audit.services import audit_change
from core.compiled import CompiledRead
from ending.models import FollowUp, FollowUpAnswer
from measures.instruments import INSTRUMENTS
from measures.models import MeasureResponse
from measures.scoring import ScoringError, score, total_change

# Months after the ending at which a follow-up falls due.
FOLLOW_UP_MONTHS = (3, 6)
# The questionnaires of a follow-up when the client completed none during care.
DEFAULT_INSTRUMENTS = ["phq9", "gad7"]
# How long the last follow-up stays open after its date.
LAST_STAYS_OPEN = relativedelta(months=3)


def _instruments_for(client) -> list[str]:
    """The questionnaires the client completed during care, in measures' order (or PHQ-9 and GAD-7)."""
    done = set(MeasureResponse.objects.filter(client=client).values_list("instrument", flat=True).distinct())
    chosen = [instrument_id for instrument_id in INSTRUMENTS if instrument_id in done]
    return chosen or list(DEFAULT_INSTRUMENTS)


def follow_ups_plan(*, ending) -> list[FollowUp]:
    """Plan the follow-ups of an ending whose client chose them: one at 3 and one at 6 months after ``ended_on``.

    Idempotent: a follow-up already planned is kept (with its questionnaires); one the client turned off
    and did not answer is turned on again. A follow-up whose date has already passed (chosen late) is still
    planned and is simply available now. Does nothing unless ``ending.follow_up`` and ``ending.ended_on``.
    """
    if not (ending.follow_up and ending.ended_on):
        return []
    instruments = _instruments_for(ending.client)
    planned = []
    with transaction.atomic():
        for months in FOLLOW_UP_MONTHS:
            due_on = ending.ended_on + relativedelta(months=months)
            try:
                with transaction.atomic():
                    follow_up, created = FollowUp.objects.get_or_create(
                        ending=ending,
                        months=months,
                        defaults={"client": ending.client, "due_on": due_on, "instruments": instruments},
                    )
            except IntegrityError:  # planned a moment ago by another request
                follow_up, created = FollowUp.objects.get(ending=ending, months=months), False
            if created:
                audit_change(
                    "create",
                    follow_up,
                    client=ending.client,
                    actor=None,
                    detail={"months": months, "due_on": due_on.isoformat()},
                )
            elif follow_up.cancelled_at is not None and follow_up.answered_at is None:
                follow_up.cancelled_at = None
                changed = ["cancelled_at"]
                if follow_up.due_on != due_on:  # the ending date was corrected since
                    follow_up.due_on = due_on
                    changed.append("due_on")
                follow_up.save(update_fields=changed)
                audit_change("update", follow_up, client=ending.client, fields=changed, detail={"months": months})
            planned.append(follow_up)
    return planned


def follow_ups_cancel(*, ending) -> int:
    """The client turned the follow-ups off: the unanswered ones are cancelled. Returns how many."""
    now = timezone.now()
    with transaction.atomic():
        waiting = list(
            FollowUp.objects.select_for_update().filter(
                ending=ending, answered_at__isnull=True, cancelled_at__isnull=True
            )
        )
        for follow_up in waiting:
            follow_up.cancelled_at = now
            follow_up.save(update_fields=["cancelled_at"])
            audit_change("update", follow_up, client=ending.client, fields=["cancelled_at"])
    return len(waiting)


# --- When a follow-up is open ------------------------------------------------------------------------------


def closes_on(follow_up, siblings=None) -> datetime.date:
    """The day a follow-up quietly closes: the next follow-up's date, or three months after the last one's."""
    if siblings is None:
        siblings = FollowUp.objects.filter(ending_id=follow_up.ending_id)
    later = [f.due_on for f in siblings if f.months > follow_up.months]
    return min(later) if later else follow_up.due_on + LAST_STAYS_OPEN


def is_available(follow_up, today=None, siblings=None) -> bool:
    """Open for answering: due, not answered, not turned off, not yet closed."""
    today = today or timezone.localdate()
    return (
        follow_up.answered_at is None
        and follow_up.cancelled_at is None
        and follow_up.due_on <= today < closes_on(follow_up, siblings)
    )


def available_follow_up(client, today=None):
    """The follow-up the client may answer today, if any (at most one is open at a time)."""
    today = today or timezone.localdate()
    candidates = list(FollowUp.objects.filter(client=client).select_related("ending").order_by("due_on"))
    by_ending: dict[int, list] = {}
    for follow_up in candidates:
        by_ending.setdefault(follow_up.ending_id, []).append(follow_up)
    for follow_up in reversed(candidates):
        if is_available(follow_up, today, by_ending[follow_up.ending_id]):
            return follow_up
    return None


# Read on every view of the client's ending page: built by the ORM once (core/compiled.py).
_ANSWERED = CompiledRead(
    FollowUp,
    lambda shape, *, client: FollowUp.objects.filter(client=client, answered_at__isnull=False).order_by("due_on"),
    {"client": int},
)


def follow_ups_for_client(client) -> list[FollowUp]:
    """The client's answered follow-ups, oldest first, with their answers (for the client's ending page; a second
    query only when there are some)."""
    return _with_answers(_ANSWERED.objects(client=client.pk))


# Read on every view of the client record: built by the ORM once (core/compiled.py).
_SHARED = CompiledRead(
    FollowUp,
    lambda shape, *, client: FollowUp.objects.filter(
        client=client, answered_at__isnull=False, shared_at__isnull=False
    ).order_by("-due_on"),
    {"client": int},
)


def shared_asked(client):
    """The first read ``shared_follow_ups`` makes, to name to a page's panels (``core.panels.reading``)."""
    return _SHARED.asked(client=client.pk)


def shared_follow_ups(client) -> list[FollowUp]:
    """The follow-ups the client chose to share with the practice (for the client record), with their answers
    (a second query only when there are some)."""
    return _with_answers(shared_asked(client).objects())


def _with_answers(follow_ups: list[FollowUp]) -> list[FollowUp]:
    if follow_ups:
        prefetch_related_objects(follow_ups, "answers")
    return follow_ups


# --- Answering and sharing -----------------------------------------------------------------------------------


def next_instrument(follow_up) -> str | None:
    """The first of the follow-up's questionnaires not yet answered."""
    answered = set(follow_up.answers.values_list("instrument", flat=True))
    for instrument_id in follow_up.instruments:
        if instrument_id in INSTRUMENTS and instrument_id not in answered:
            return instrument_id
    return None


def follow_up_answer(*, follow_up, instrument_id: str, answers: list, request=None) -> FollowUpAnswer:
    """Record one questionnaire of a follow-up, scored exactly as measures scores it.

    Never raises a risk alert or a risk check: the client's care has ended, and nobody at the
    practice will see this answer (the page shows the crisis contacts at once instead).
    When the last questionnaire is answered the follow-up is answered.
    """
    if instrument_id not in follow_up.instruments:
        raise ScoringError(f"{instrument_id} is not part of this follow-up")
    definition = INSTRUMENTS[instrument_id]
    result = score(instrument_id, answers)  # validates exactly as measures does; raises ScoringError
    with transaction.atomic():
        locked = FollowUp.objects.select_for_update().get(pk=follow_up.pk)
        answer, created = FollowUpAnswer.objects.get_or_create(
            follow_up=locked,
            instrument=instrument_id,
            defaults={
                "instrument_version": definition.version,
                "answers": list(answers),
                "total": result["total"],
                "band": result["band"],
                "risk_flag": bool(result.get("item9_risk_flag")),
            },
        )
        if created:
            audit_change("create", answer, client=locked.client, request=request, detail={"instrument": instrument_id})
        if locked.answered_at is None and next_instrument(locked) is None:
            locked.answered_at = timezone.now()
            locked.save(update_fields=["answered_at"])
            audit_change("update", locked, client=locked.client, request=request, fields=["answered_at"])
    follow_up.refresh_from_db()
    return answer


def follow_up_share(*, follow_up, share: bool, request=None) -> FollowUp:
    """The client shares their results with the practice, or stops sharing them. Nobody is alerted."""
    with transaction.atomic():
        locked = FollowUp.objects.select_for_update().get(pk=follow_up.pk)
        if locked.answered_at is None:
            return locked
        if share and locked.shared_at is None:
            locked.shared_at = timezone.now()
        elif not share and locked.shared_at is not None:
            locked.shared_at = None
        else:
            return locked
        locked.save(update_fields=["shared_at"])
        audit_change(
            "update", locked, client=locked.client, request=request, fields=["shared_at"], detail={"shared": share}
        )
    return locked


# --- What the client sees ------------------------------------------------------------------------------------


def get_follow_up_for_client(client, follow_up_uuid) -> FollowUp:
    """One of the client's own follow-ups, or 404 (another client's, or no such thing)."""
    found = FollowUp.objects.filter(client=client, uuid=follow_up_uuid).select_related("ending").first()
    if found is None:
        raise Http404
    return found


def _ended_moment(ending):
    if ending.ended_at is not None:
        return ending.ended_at
    end_of_day = datetime.datetime.combine(ending.ended_on + datetime.timedelta(days=1), datetime.time.min)
    return timezone.make_aware(end_of_day, ending.client.practice.zone)


def _fmt(instrument_id: str, value) -> str:
    return f"{value:.2f}" if instrument_id == "scs_sf" else f"{value:g}"


def _shown(instrument_id: str, total):
    """WHO-5 is shown as its percentage, like measures and the journey; the others as their total."""
    return total * 4 if instrument_id == "who5" else total


def change_words(instrument_id: str, at_ending, now) -> str:
    """Where they were at the ending and where they are now, in plain, gentle words (never "worse")."""
    instrument = INSTRUMENTS[instrument_id]
    if at_ending is None:
        return "There's no earlier answer to this one from our work together to compare with."
    pre, post = at_ending.total, now.total
    movement = (
        f"From {_fmt(instrument_id, _shown(instrument_id, pre))} when our work together ended "
        f"to {_fmt(instrument_id, _shown(instrument_id, post))} now"
    )
    reliable = total_change(instrument_id, pre, post).get("reliable_change")
    if reliable == "improved":
        what = "more wellbeing" if instrument.higher_is_better else "fewer difficulties"
        return f"{movement}: {what} than at the ending, a change bigger than everyday ups and downs."
    if reliable == "deteriorated":
        what = "less wellbeing" if instrument.higher_is_better else "more difficulties"
        return (
            f"{movement}: {what} lately than at the ending, a change bigger than everyday ups and downs. "
            "Hard stretches come and go for many people."
        )
    if reliable == "none":
        return f"{movement}: within everyday ups and downs."
    return f"{movement}."


def follow_up_results(follow_up) -> list[dict]:
    """Each answered questionnaire with its score in plain words, beside the client's latest before the ending."""
    answers = {answer.instrument: answer for answer in follow_up.answers.all()}
    before = _ended_moment(follow_up.ending)
    rows = []
    for instrument_id in follow_up.instruments:
        answer = answers.get(instrument_id)
        if answer is None or instrument_id not in INSTRUMENTS:
            continue
        instrument = INSTRUMENTS[instrument_id]
        at_ending = (
            MeasureResponse.objects.for_client(follow_up.client)
            .of(instrument_id)
            .filter(completed_at__lte=before)
            .order_by("-completed_at", "-id")
            .first()
        )
        rows.append(
            {
                "instrument": instrument,
                "answer": answer,
                "score": _fmt(instrument_id, _shown(instrument_id, answer.total)),
                "percent": instrument_id == "who5",
                "out_of": _fmt(instrument_id, instrument.scale_max) if instrument_id != "who5" else "",
                "direction": "Higher means more wellbeing."
                if instrument.higher_is_better
                else "Lower means fewer difficulties.",
                "band": instrument.band_label(answer.band),
                "at_ending": at_ending,
                "at_ending_score": _fmt(instrument_id, _shown(instrument_id, at_ending.total)) if at_ending else "",
                "at_ending_band": instrument.band_label(at_ending.band) if at_ending else "",
                "words": change_words(instrument_id, at_ending, answer),
            }
        )
    return rows

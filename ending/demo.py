"""Fran Hughes, Ben's client, whose care ended three weeks ago: the ending summary they prepared together
(her words, what she chose to keep in it, Ben's letter), the follow-ups she chose at three and six months,
four months of questionnaires and practices before it (so "where you started, where you are now" and "the
practices you returned to most" have something to say), and two practices since: she carries on.

Written the way the ending page writes: the summary is prepared, then care is ended through
``practice.care_status.care_status_change``, whose receiver (ending.receivers) marks it ended with the copy
Ben keeps and plans the follow-ups. The questionnaires are bulk-created in the past, as measures/demo.py
does. Idempotent: a client who already has an ending keeps it.
"""

import datetime as dt

from django.utils import timezone

from ending.models import Ending
from measures.instruments import INSTRUMENTS
from measures.models import MeasureResponse
from measures.scoring import score
from mindfulness.content import BY_SLUG
from mindfulness.services import exercise_log_record
from practice.care_status import care_status_change

ORDER = 300  # last: her care ends after every other app's history is in place

ENDED_DAYS_AGO = 21
WORDS = {
    "started_words": (
        "I came because I couldn't stop going over everything I'd said and done. I was exhausted, and "
        "very hard on myself."
    ),
    "now_words": (
        "I still notice the old voice, but it doesn't run the day. I'm sleeping better and I've gone back to swimming."
    ),
    "helped_words": (
        "Soothing rhythm breathing before bed. Writing things down instead of going round in circles. Ben "
        "helping me see where the critic came from."
    ),
    "carry_words": "The body scan on Sundays, my safety plan, and asking a friend rather than coping alone.",
}
LETTER = (
    "Dear Fran,\n\nIt has been a privilege to work with you. You came carrying a great deal, and you met it "
    "with courage and, more and more, with kindness towards yourself. Keep the practices that helped close, "
    "and be gentle with yourself on the harder days: they are part of the path, not a step back.\n\n"
    "With warm wishes,\nBen"
)
PRACTICES = ("soothing-rhythm-breathing", "body-scan", "soothing-rhythm-breathing", "self-compassion-break")
# (first, last) totals for the fortnightly questionnaires before the ending.
TARGETS = {"phq9": (15, 6), "gad7": (13, 5)}


def seed(demo) -> None:
    fran = getattr(demo, "fran", None)
    if fran is None or Ending.objects.filter(client=fran).exists():
        return
    ended_on = demo.ben.today() - dt.timedelta(days=ENDED_DAYS_AGO)
    _questionnaires(fran, ended_on)
    now = timezone.now()
    for n in range(10):
        exercise_log_record(
            client=fran,
            exercise=BY_SLUG[PRACTICES[n % len(PRACTICES)]],
            calm_before=3 + n % 2,
            calm_after=6 + n % 3,
            practised_at=now - dt.timedelta(days=ENDED_DAYS_AGO + 3 + n * 9, hours=n % 5),
        )
    Ending.objects.create(
        client=fran,
        therapist=demo.ben,
        started_by=demo.ben,
        started_at=timezone.now() - dt.timedelta(days=ENDED_DAYS_AGO + 28),
        planned_on=ended_on,
        client_updated_at=timezone.now() - dt.timedelta(days=ENDED_DAYS_AGO + 2),
        letter=LETTER,
        letter_updated_at=timezone.now() - dt.timedelta(days=ENDED_DAYS_AGO + 1),
        follow_up=True,
        follow_up_chosen_at=timezone.now() - dt.timedelta(days=ENDED_DAYS_AGO + 2),
        **WORDS,
    )
    care_status_change(client=fran, status="ended", since=ended_on, staff=demo.ben)
    for days_ago in (9, 2):  # since the ending: hers alone (mindfulness marks them after_ending)
        exercise_log_record(
            client=fran,
            exercise=BY_SLUG["body-scan"],
            calm_before=4,
            calm_after=7,
            practised_at=now - dt.timedelta(days=days_ago, hours=3),
        )


def _questionnaires(client, ended_on) -> None:
    if MeasureResponse.objects.filter(client=client).exists():
        return
    rows = []
    fortnights = 8
    last = timezone.make_aware(dt.datetime.combine(ended_on - dt.timedelta(days=3), dt.time(18)))
    for n in range(fortnights + 1):
        at = last - dt.timedelta(weeks=2 * (fortnights - n))
        for instrument, (first, final) in TARGETS.items():
            total = round(first + (final - first) * n / fortnights)
            items = 9 if instrument == "phq9" else 7
            vector = [min(3, total // (items - 1) + (1 if i < total % (items - 1) else 0)) for i in range(items)]
            if instrument == "phq9":
                vector[8] = 0  # never question 9: the demo's past raises no alert
            result = score(instrument, vector)
            rows.append(
                MeasureResponse(
                    client=client,
                    instrument=instrument,
                    instrument_version=INSTRUMENTS[instrument].version,
                    answers=vector,
                    completed_at=at,
                    total=result["total"],
                    band=result["band"],
                    risk_flag=bool(result.get("item9_risk_flag")),
                )
            )
    MeasureResponse.objects.bulk_create(rows)

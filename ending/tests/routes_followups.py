"""The follow-up and coming-back URLs (ending/urls_followups.py), for the matrix and the accessibility scan.

Client A's care is active in the persona world, so her follow-up made here is one she may not answer (it
shows as closed), while an answered one shows its results and may be shared. Asking to come back is only
for a client whose care has ended: Fern (the "ended" persona) may, clients in care get 404.
"""

from dateutil.relativedelta import relativedelta
from django.utils import timezone

from ending.followups import follow_ups_plan
from ending.models import Ending, FollowUpAnswer
from tending.testing.matrix import CLIENT, CLIENT_OBJECT, ENDED, NOT_FOUND, OK, Route


def _follow_up(w, *, answered=False, risk=False, shared=False):
    """An ending of client A's three months ago with its follow-ups; the first is due today. A shared one shows
    on her record too (so the accessibility scan reads the therapist's panel)."""
    today = timezone.localdate(timezone=w.client_a.practice.zone)
    ending = Ending.objects.create(
        client=w.client_a,
        therapist=w.therapist,
        state=Ending.State.ENDED,
        ended_on=today - relativedelta(months=3),
        follow_up=True,
    )
    follow_up = follow_ups_plan(ending=ending)[0]
    if answered or risk:
        follow_up.instruments = ["phq9"]
        follow_up.answered_at = timezone.now() if answered else None
        follow_up.shared_at = timezone.now() if shared else None
        follow_up.save(update_fields=["instruments", "answered_at", "shared_at"])
        answers = [1, 1, 0, 1, 0, 0, 0, 0, 1 if risk else 0]
        FollowUpAnswer.objects.create(
            follow_up=follow_up,
            instrument="phq9",
            instrument_version="test",
            answers=answers,
            total=sum(answers),
            band="minimal",
            risk_flag=risk,
        )
    return {"follow_up": follow_up}


def _uuid(w, made):
    return {"follow_up_uuid": made["follow_up"].uuid}


ROUTES = [
    Route("ending:follow_up", CLIENT_OBJECT, setup=_follow_up, kwargs=_uuid),
    Route(
        "ending:follow_up_support", CLIENT_OBJECT, setup=lambda w: _follow_up(w, answered=True, risk=True), kwargs=_uuid
    ),
    Route(
        "ending:follow_up_results",
        CLIENT_OBJECT,
        setup=lambda w: _follow_up(w, answered=True, shared=True),
        kwargs=_uuid,
    ),
    Route(
        "ending:follow_up_share",
        CLIENT_OBJECT,
        setup=lambda w: _follow_up(w, answered=True),
        kwargs=_uuid,
        methods=("POST",),
        post_data={"share": "1"},
    ),
    Route(
        "ending:come_back",
        CLIENT,
        methods=("GET", "POST"),
        expect={"client_a": NOT_FOUND, "client_b": NOT_FOUND, ENDED: OK},
        writer=ENDED,
    ),
]

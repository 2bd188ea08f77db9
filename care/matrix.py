from tending.testing.matrix import OK, OWNER_OF_CLIENT, OWNER_OF_STAFF, THERAPIST, THERAPIST_OF_CLIENT, Route


def _anas_time_away(w):
    """A time away of Ana's next year (Ana's own, and her practice owner's, to change)."""
    from datetime import timedelta

    from practice.models import AwayPeriod

    start = w.therapist.today() + timedelta(days=300)
    return AwayPeriod.objects.create(
        staff=w.therapist, starts_on=start, ends_on=start + timedelta(days=6), created_by=w.therapist
    )


def _period(w, period):
    return {"period_uuid": period.uuid}


def _ana(w, _):
    return {"staff_uuid": w.therapist.uuid}


ROUTES = [
    Route("care:away", THERAPIST, methods=("GET", "POST")),
    Route(
        "care:away_edit",
        THERAPIST_OF_CLIENT,
        setup=_anas_time_away,
        kwargs=_period,
        methods=("GET", "POST"),
        post_data={"starts_on": "2031-01-01", "ends_on": "2031-01-02"},
        expect={"owner": OK},
    ),
    Route(
        "care:away_end",
        THERAPIST_OF_CLIENT,
        setup=_anas_time_away,
        kwargs=_period,
        methods=("POST",),
        expect={"owner": OK},
    ),
    Route(
        "care:staff",
        OWNER_OF_STAFF,
        kwargs=_ana,
        methods=("GET", "POST"),
        post_data={"starts_on": "2031-01-01", "ends_on": "2031-01-02"},
    ),
    Route("care:deactivate", OWNER_OF_STAFF, kwargs=_ana, methods=("GET", "POST")),
    Route("care:reactivate", OWNER_OF_STAFF, kwargs=_ana, methods=("POST",)),
    Route(
        "care:handover",
        OWNER_OF_CLIENT,
        kwargs=lambda w, _: {"client_uuid": w.client_a.uuid},
        methods=("GET", "POST"),
        post_data=lambda w, _: {"to_therapist": w.colleague.pk, "notes": "go", "future": "move", "reason": "x"},
    ),
]

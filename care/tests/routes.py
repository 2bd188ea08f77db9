from datetime import timedelta

from practice.models import AwayPeriod
from tending.testing.matrix import OK, OWNER_OF_CLIENT, OWNER_OF_STAFF, THERAPIST, THERAPIST_OBJECT, Route


def _anas_time_away(w):
    """A time away of Ana's next year (Ana's own, and her practice owner's, to change)."""
    start = w.therapist.today() + timedelta(days=300)
    return AwayPeriod.objects.create(
        staff=w.therapist, starts_on=start, ends_on=start + timedelta(days=6), created_by=w.therapist
    )


def _dates_ahead(days):
    """A valid time away whatever the day the tests run (allowed writers post it in the security tests)."""

    def post_data(w, _):
        start = w.therapist.today() + timedelta(days=days)
        return {"starts_on": start.isoformat(), "ends_on": (start + timedelta(days=1)).isoformat()}

    return post_data


def _period(w, period):
    return {"period_uuid": period.uuid}


def _ana(w, _):
    return {"staff_uuid": w.therapist.uuid}


ROUTES = [
    Route("care:away", THERAPIST, methods=("GET", "POST"), post_data=_dates_ahead(350)),
    Route(
        "care:away_edit",
        THERAPIST_OBJECT,
        setup=_anas_time_away,
        kwargs=_period,
        methods=("GET", "POST"),
        post_data=_dates_ahead(330),
        expect={"owner": OK},
    ),
    Route(
        "care:away_end",
        THERAPIST_OBJECT,
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
        post_data=_dates_ahead(340),
    ),
    # Both change who may sign in, which tending/tests/test_security_mass_assignment.py pins for every
    # matrix write (the one form meant to change a privilege there is the handover); the writes
    # themselves are exercised in care/tests/test_leaving.py. Here Ana, with clients in her care,
    # cannot leave (409), and reactivating her, active, changes nothing.
    Route(
        "care:deactivate",
        OWNER_OF_STAFF,
        kwargs=_ana,
        methods=("GET", "POST"),
        post_skip="changes a privilege the mass-assignment test pins; care/tests/test_leaving.py",
    ),
    Route(
        "care:reactivate",
        OWNER_OF_STAFF,
        kwargs=_ana,
        methods=("POST",),
        post_skip="changes a privilege the mass-assignment test pins; care/tests/test_leaving.py",
    ),
    Route(
        "care:handover",
        OWNER_OF_CLIENT,
        kwargs=lambda w, _: {"client_uuid": w.client_a.uuid},
        methods=("GET", "POST"),
        post_data=lambda w, _: {
            "to_therapist": w.colleague.pk,
            "notes": "go",
            "messages": "stay",
            "future": "move",
            "reason": "x",
        },
    ),
]

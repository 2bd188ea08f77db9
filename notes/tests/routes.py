import itertools
from datetime import UTC, datetime, timedelta

from bookings.models import Appointment
from notes import services
from tending.testing.matrix import THERAPIST, THERAPIST_OBJECT, THERAPIST_OF_CLIENT, Route

_slots = itertools.count()


def past_session(w, client=None, therapist=None):
    """A session of client A's with Ana that took place (a fresh hour each call, so none overlap)."""
    start = datetime(2026, 1, 5, 9, tzinfo=UTC) - timedelta(days=next(_slots))
    therapist = therapist or w.therapist
    return Appointment.objects.create(
        practice=therapist.practice,
        therapist=therapist,
        client=client or w.client_a,
        kind="session",
        start=start,
        end=start + timedelta(minutes=50),
        blocked_until=start + timedelta(minutes=60),
        status="completed",
    )


def _draft(w):
    return services.note_start(appointment=past_session(w), author=w.therapist)


def _signed(w):
    note = services.note_start(appointment=past_session(w), author=w.therapist)
    services.note_save(note=note, by=w.therapist, text={"mind": "Worried about work"})
    return services.note_sign(note=note, by=w.therapist)


def _template(w):
    return services.template_ensure_default(therapist=w.therapist)


def note(w, made):
    return {"note_uuid": made.uuid}


ROUTES = [
    Route(
        "notes:start",
        THERAPIST_OF_CLIENT,
        write_form=True,
        setup=past_session,
        kwargs=lambda w, made: {"appointment_uuid": made.uuid},
        methods=("GET", "POST"),
    ),
    Route("notes:detail", THERAPIST_OF_CLIENT, setup=_signed, kwargs=note),
    Route(
        "notes:sign",
        THERAPIST_OF_CLIENT,
        write_form=True,
        setup=_draft,
        kwargs=note,
        methods=("GET", "POST"),
        post_data=lambda w, made: {"revision": str(made.revision)},
    ),
    Route(
        "notes:edit",
        THERAPIST_OF_CLIENT,
        write_form=True,
        setup=_draft,
        kwargs=note,
        methods=("GET", "POST"),
        post_data={"revision": "1", "mind": "Changed by someone else"},
    ),
    Route(
        "notes:amend",
        THERAPIST_OF_CLIENT,
        write_form=True,
        setup=_signed,
        kwargs=note,
        methods=("GET", "POST"),
        post_data={"section": "mind", "text": "Added by someone else"},
    ),
    Route("notes:for_client", THERAPIST_OF_CLIENT, kwargs=lambda w, _: {"client_uuid": w.client_a.uuid}),
    Route("notes:templates", THERAPIST, methods=("GET", "POST"), post_data={"name": "Mine"}),
    # Ana's template: her colleagues and outsiders get 404, like everyone else who is not Ana.
    Route(
        "notes:template_edit",
        THERAPIST_OBJECT,
        setup=_template,
        kwargs=lambda w, made: {"template_uuid": made.uuid},
        methods=("GET", "POST"),
        post_data={"name": "Renamed"},
    ),
    Route(
        "notes:template_delete",
        THERAPIST_OBJECT,
        setup=_template,
        kwargs=lambda w, made: {"template_uuid": made.uuid},
        methods=("POST",),
    ),
]

"""The front door's URLs for a free consultation asked for without a time (issue 20), for the matrix.

``bookings/tests/routes.py`` adds these to its ROUTES.
"""

from datetime import timedelta

from django.utils import timezone

from bookings.consultation_requests import offer_signature
from bookings.models import Consultation
from bookings.tests.routes import _next_weekday_morning, _open_hours
from tending.testing.matrix import NOT_FOUND, PUBLIC, STAFF, Route


def _waiting_request(w):
    return Consultation.objects.create(
        practice=w.practice,
        name="Visitor",
        email="asker@example.test",
        asked_without_time=True,
        usually_free="Weekday evenings",
        reach_by="email",
    )


def _offered_request(w):
    _open_hours(w)
    consultation = _waiting_request(w)
    consultation.offered_start = _next_weekday_morning(days_ahead=30)
    consultation.offered_therapist = w.therapist
    consultation.offered_mode = "online"
    consultation.offered_at = timezone.now()
    consultation.save()
    return offer_signature(consultation)


def _offer_data(w, _):
    when = timezone.localdate() + timedelta(days=402)
    return {"therapist": str(w.therapist.uuid), "start": f"{when.isoformat()}T11:00", "mode": "online"}


ROUTES = [
    Route(
        "bookings:consult_ask",
        PUBLIC,
        kwargs=lambda w, _: {"slug": w.practice.slug},
        methods=("GET", "POST"),
        post_data={
            "name": "Visitor",
            "email": "asker.matrix@example.test",
            "usually_free": "Evenings",
            "reach_by": "email",
        },
    ),
    Route("bookings:consult_asked", PUBLIC, kwargs=lambda w, _: {"slug": w.practice.slug}),
    Route(
        "bookings:offer",
        PUBLIC,
        setup=_offered_request,
        kwargs=lambda w, signed: {"signed": signed},
        methods=("GET", "POST"),
    ),
    # Any of the practice's staff sees its waiting requests; a therapist of another practice sees her own.
    Route("bookings:consult_requests", STAFF, setup=_waiting_request),
    Route(
        "bookings:consult_request_offer",
        STAFF,
        setup=_waiting_request,
        kwargs=lambda w, consultation: {"consultation_uuid": consultation.uuid},
        methods=("GET", "POST"),
        post_data=_offer_data,
        expect={"outsider": NOT_FOUND},
    ),
    Route(
        "bookings:consult_request_close",
        STAFF,
        setup=_waiting_request,
        kwargs=lambda w, consultation: {"consultation_uuid": consultation.uuid},
        methods=("POST",),
        post_data=lambda w, consultation: {},
        expect={"outsider": NOT_FOUND},
    ),
]

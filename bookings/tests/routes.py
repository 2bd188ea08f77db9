"""Every bookings URL, for the authorization matrix and the accessibility scan."""

import itertools
from datetime import timedelta

from django.utils import timezone

from bookings.forms import AvailabilityForm, BookingSettingsForm
from bookings.manage_links import manage_signature
from bookings.models import Appointment, Availability, BookingSettings, Consultation, Kind, WorkingHours
from bookings.services_sessions import feed_token_rotate
from bookings.slots import free_slots
from tending.testing.matrix import (
    CLIENT,
    CLIENT_OBJECT,
    OFFICE,
    OFFICE_OF_CLIENT,
    OWNER,
    PUBLIC,
    THERAPIST,
    THERAPIST_OBJECT,
    THERAPIST_OF_CLIENT,
    Route,
    form_data,
)

_hours = itertools.count()


def _next_weekday_morning(days_ahead=9):
    """A distinct time for each object the setups make, so none of them overlap."""
    start = (timezone.now() + timedelta(days=days_ahead)).replace(hour=9, minute=0, second=0, microsecond=0)
    n = next(_hours)
    return start + timedelta(days=n // 8, hours=n % 8)


def _open_hours(w):
    for therapist in (w.therapist, w.colleague, w.outsider):
        for weekday in range(7):
            WorkingHours.objects.get_or_create(
                therapist=therapist, weekday=weekday, start_time="09:00", end_time="17:00"
            )


def _session_of_client_a(w):
    _open_hours(w)
    start = _next_weekday_morning()
    return Appointment.objects.create(
        practice=w.practice,
        therapist=w.therapist,
        client=w.client_a,
        kind=Kind.SESSION,
        start=start,
        end=start + timedelta(minutes=50),
        blocked_until=start + timedelta(minutes=60),
    )


def _consultation(w):
    _open_hours(w)
    consultation = Consultation.objects.create(practice=w.practice, name="Visitor", email="visitor@example.test")
    start = _next_weekday_morning()
    appointment = Appointment.objects.create(
        practice=w.practice,
        therapist=w.therapist,
        consultation=consultation,
        kind=Kind.CONSULTATION,
        start=start,
        end=start + timedelta(minutes=20),
        blocked_until=start + timedelta(minutes=30),
    )
    return {"signed": manage_signature(consultation), "appointment": appointment}


def _feed(w):
    return feed_token_rotate(therapist=w.therapist)


def _slot_key(w):
    _open_hours(w)
    return free_slots(w.therapist, Kind.SESSION)[0].key


def _consult_slot(w):
    _open_hours(w)
    return free_slots(w.therapist, Kind.CONSULTATION)[0].key


def _another_session_time(w, appointment):
    """A free time for client A's session to move to (after the setups ran, so it is still free)."""
    slots = free_slots(appointment.therapist, Kind.SESSION, ignore=appointment)
    return {"slot": next(s.key for s in slots if s.start != appointment.start)}


def _another_consultation_time(w, prepared):
    appointment = prepared["appointment"]
    slots = free_slots(appointment.therapist, Kind.CONSULTATION, ignore=appointment)
    return {"slot": next(s.key for s in slots if s.start != appointment.start)}


def _availability(w, _):
    rules = AvailabilityForm(instance=Availability.for_therapist(w.therapist), prefix="rules")
    return {**form_data(rules), "rules-buffer_minutes": "5"}


def _hours_of_ana(w):
    return WorkingHours.objects.create(therapist=w.therapist, weekday=6, start_time="20:00", end_time="21:00")


def _practice_rules(w, _):
    return {**form_data(BookingSettingsForm(instance=BookingSettings.for_practice(w.practice))), "approach": "Changed"}


def _far_time(days: int):
    """A time far enough ahead that no setup's appointment is there, as a datetime-local field sends it."""

    def data(w, _):
        when = timezone.localdate() + timedelta(days=days)
        return {"start": f"{when.isoformat()}T10:00", "mode": "in_person"}

    return data


def appointment_a(w, prepared):
    return {"appointment_uuid": prepared.uuid}


def consultation_appointment(w, prepared):
    return {"appointment_uuid": prepared["appointment"].uuid}


def signed(w, prepared):
    return {"signed": prepared["signed"]}


ROUTES = [
    Route("bookings:practice", PUBLIC, kwargs=lambda w, _: {"slug": w.practice.slug}),
    Route("bookings:consult_slots", PUBLIC, kwargs=lambda w, _: {"slug": w.practice.slug}, setup=_open_hours),
    Route(
        "bookings:consult_form",
        PUBLIC,
        setup=_consult_slot,
        kwargs=lambda w, key: {"slug": w.practice.slug, "slot": key},
        methods=("GET", "POST"),
        post_data={"name": "Visitor", "email": "visitor.matrix@example.test", "mode": "online"},
    ),
    Route("bookings:consult_booked", PUBLIC, kwargs=lambda w, _: {"slug": w.practice.slug}),
    Route("bookings:manage", PUBLIC, setup=_consultation, kwargs=signed),
    Route(
        "bookings:manage_move",
        PUBLIC,
        setup=_consultation,
        kwargs=signed,
        methods=("GET", "POST"),
        post_data=_another_consultation_time,
    ),
    Route("bookings:manage_cancel", PUBLIC, setup=_consultation, kwargs=signed, methods=("GET", "POST")),
    Route("bookings:manage_ics", PUBLIC, setup=_consultation, kwargs=signed, not_a_page=True),
    Route("bookings:therapist_feed", PUBLIC, setup=_feed, kwargs=lambda w, token: {"token": token}, not_a_page=True),
    Route("bookings:mine", CLIENT, setup=_open_hours),
    Route(
        "bookings:book_session",
        CLIENT,
        setup=_slot_key,
        kwargs=lambda w, key: {"slot": key},
        methods=("GET", "POST"),
        post_data={"mode": "online"},
    ),
    Route("bookings:session", CLIENT_OBJECT, setup=_session_of_client_a, kwargs=appointment_a),
    Route(
        "bookings:session_move",
        CLIENT_OBJECT,
        setup=_session_of_client_a,
        kwargs=appointment_a,
        methods=("GET", "POST"),
        post_data=_another_session_time,
    ),
    Route(
        "bookings:session_cancel",
        CLIENT_OBJECT,
        setup=_session_of_client_a,
        kwargs=appointment_a,
        methods=("GET", "POST"),
    ),
    Route("bookings:session_ics", CLIENT_OBJECT, setup=_session_of_client_a, kwargs=appointment_a, not_a_page=True),
    Route("bookings:agenda", THERAPIST),
    Route("bookings:availability", THERAPIST, methods=("GET", "POST"), post_data=_availability),
    Route(
        "bookings:hours_add",
        THERAPIST,
        kwargs=lambda w, _: {"weekday": 6},
        methods=("POST",),
        post_data={"day6-start_time": "06:00", "day6-end_time": "07:00"},
    ),
    Route(
        "bookings:hours_remove",
        THERAPIST,
        setup=_hours_of_ana,
        methods=("POST",),
        post_data=lambda w, hours: {"hours": str(hours.pk)},
    ),
    Route("bookings:days_off", THERAPIST, methods=("GET", "POST"), post_data={"date": "2031-01-02"}),
    Route("bookings:feed", THERAPIST, methods=("GET", "POST"), post_data={"action": "rotate"}),
    Route(
        "bookings:appointment",
        THERAPIST_OF_CLIENT,
        setup=_session_of_client_a,
        kwargs=appointment_a,
    ),
    Route(
        "bookings:appointment_outcome",
        THERAPIST_OBJECT,
        setup=_consultation,
        kwargs=consultation_appointment,
        methods=("GET", "POST"),
        post_data={"outcome": "not_now"},
    ),
    Route(
        "bookings:appointment_action",
        THERAPIST_OF_CLIENT,
        setup=_session_of_client_a,
        kwargs=lambda w, prepared: {"appointment_uuid": prepared.uuid, "action": "cancel"},
        methods=("POST",),
    ),
    Route(
        "bookings:book_for_client",
        THERAPIST_OF_CLIENT,
        write_form=True,
        kwargs=lambda w, _: {"client_uuid": w.client_a.uuid},
        methods=("GET", "POST"),
        post_data={"start": "2031-01-02T10:00", "mode": "in_person"},
    ),
    Route(
        "bookings:care",
        THERAPIST_OF_CLIENT,
        write_form=True,
        kwargs=lambda w, _: {"client_uuid": w.client_a.uuid},
        methods=("GET", "POST"),
        post_data={"status": "paused", "since": "2031-01-02"},
    ),
    Route("bookings:practice_rules", OWNER, methods=("GET", "POST"), post_data=_practice_rules),
    # The office: every therapist's calendar and client A's appointments, never her record.
    Route("bookings:office", OFFICE, setup=_session_of_client_a),
    Route("bookings:office_clients", OFFICE),
    Route(
        "bookings:office_book",
        OFFICE_OF_CLIENT,
        kwargs=lambda w, _: {"client_uuid": w.client_a.uuid},
        methods=("GET", "POST"),
        post_data=_far_time(400),
    ),
    Route("bookings:office_appointment", OFFICE_OF_CLIENT, setup=_session_of_client_a, kwargs=appointment_a),
    Route(
        "bookings:office_move",
        OFFICE_OF_CLIENT,
        setup=_session_of_client_a,
        kwargs=appointment_a,
        methods=("GET", "POST"),
        post_data=_far_time(401),
    ),
    Route(
        "bookings:office_appointment_action",
        OFFICE_OF_CLIENT,
        setup=_session_of_client_a,
        kwargs=lambda w, prepared: {"appointment_uuid": prepared.uuid, "action": "cancel"},
        methods=("POST",),
    ),
]

# A free consultation asked for without a time (issue 20): its routes live beside their tests.
from bookings.tests.routes_front_door import ROUTES as _FRONT_DOOR_ROUTES  # noqa: E402  (it imports this module)

ROUTES += _FRONT_DOOR_ROUTES

"""A client's sessions: the free times with their therapist, booking, moving and cancelling."""

import uuid
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from bookings import ics
from bookings.access import get_appointment_for_client
from bookings.forms import SessionForm
from bookings.free_times import client_zone, group_by_day, slot_link, week_of_times
from bookings.models import Availability, BookingSettings, Kind
from bookings.panels import client_upcoming
from bookings.services_appointments import TAKEN, BookingError
from bookings.services_sessions import (
    client_may_change,
    session_book,
    session_cancel_by_client,
    session_move_by_client,
)
from bookings.slots import free_slots_by_therapist, parse_key, slot_is_free
from core.compiled import CompiledRead
from core.panels import render_panels
from practice.access import client_required
from practice.models import StaffMember

# The client's therapist, kept (core/compiled.py): building this join through the ORM on every sessions page cost
# more than reading it.
_THERAPIST = CompiledRead(
    StaffMember,
    lambda shape, *, therapist: StaffMember.objects.select_related("user", "practice", "availability").filter(
        pk=therapist
    ),
    {"therapist": int},
)


def _client_therapist(client):
    """The client's therapist with their name, practice and booking rules, in one query.

    The practice is the client's own object when they share it, so it is read once.
    A therapist without booking rules gets the defaults, unsaved: this is a read.
    """
    therapist = _THERAPIST.first(therapist=client.therapist_id) if client.therapist_id is not None else None
    if therapist is None:
        raise StaffMember.DoesNotExist(f"no therapist {client.therapist_id}")
    if therapist.practice_id == client.practice_id:
        client.practice = therapist.practice
    client.therapist = therapist
    try:
        rules = therapist.availability
    except Availability.DoesNotExist:
        rules = Availability(therapist_id=therapist.id)
    return therapist, rules


def _session_times(therapist, zone, first: date, until: date | None, *, rules=None, ignore=None) -> list:
    """Free session times with ``therapist`` on the client's days ``first`` to ``until`` (excluded).

    ``until=None`` runs to the end of the therapist's horizon.
    """
    practice_zone = therapist.practice.zone

    def practice_day(day: date) -> date:
        # The practice-local date at the client's midnight: the days searched cover the client's days.
        return datetime.combine(day, time.min, tzinfo=zone).astimezone(practice_zone).date()

    found = free_slots_by_therapist(
        [therapist],
        Kind.SESSION,
        first_day=practice_day(first),
        last_day=practice_day(until) if until is not None else None,
        ignore=ignore,
        rules={therapist.id: rules} if rules is not None else None,
    )[therapist.id]
    return [
        slot
        for slot in found
        if first <= slot.start.astimezone(zone).date() and (until is None or slot.start.astimezone(zone).date() < until)
    ]


def session_window(times, request, zone_name: str):
    """The week of free session times to show (``free_times.week_of_times``, searched from today)."""
    return week_of_times(times, request, zone_name)


@client_required
def mine(request):
    client = request.client
    therapist, rules = _client_therapist(client)
    zone_name = client_zone(request, client)
    zone = ZoneInfo(zone_name)
    # The template names the therapist and the kind of each session, nothing of the practice.
    upcoming = client_upcoming(client)
    shown, earlier, later = [], None, None
    if client.care_status != "ended":
        shown, earlier, later = session_window(
            lambda first, until: _session_times(therapist, zone, first, until, rules=rules), request, zone_name
        )
    return render(
        request,
        "bookings/client/mine.html",
        {
            "client": client,
            "upcoming": [(a, a.start.astimezone(zone)) for a in upcoming],
            "days": group_by_day(shown, zone_name, slot_link("bookings:book_session")),
            "earlier": earlier,
            "later": later,
            "zone_name": zone_name,
            "notice_hours": BookingSettings.for_practice(client.practice).notice_hours,
        },
    )


@client_required
def book_session(request, slot):
    client = request.client
    start = parse_key(slot)
    if start is None or client.care_status == "ended":
        raise Http404
    # One query for the therapist, their practice and rules; session_book reuses the therapist and practice.
    _therapist, rules = _client_therapist(client)
    zone = ZoneInfo(client_zone(request, client))
    modes = rules.modes()
    form = SessionForm(
        request.POST if request.method == "POST" else None, modes=modes, initial={"key": uuid.uuid4().hex}
    )
    alternatives = []
    if request.method == "POST" and form.is_valid():
        try:
            appointment = session_book(
                client=client, start=start, mode=form.cleaned_data["mode"], by="client", key=form.cleaned_data["key"]
            )
        except BookingError as error:
            form.add_error(None, error.message)
            alternatives = [(s, s.start.astimezone(zone)) for s in error.alternatives]
        else:
            messages.success(request, "Your session is booked. We've emailed you the details and a calendar file.")
            return redirect("bookings:session", appointment_uuid=appointment.uuid)
    return render(
        request,
        "bookings/client/book.html",
        {
            "form": form,
            "local": start.astimezone(zone),
            "slot": slot,
            "alternatives": alternatives,
            "client": client,
            "booking_terms": render_panels("CLIENT_BOOKING_TERMS", request, client),
        },
        status=409 if alternatives else 200,
    )


@client_required
def session(request, appointment_uuid):
    appointment = get_appointment_for_client(request.client, appointment_uuid)
    zone = ZoneInfo(client_zone(request, request.client))
    return render(
        request,
        "bookings/client/session.html",
        {
            "appointment": appointment,
            "local_start": appointment.start.astimezone(zone),
            "local_end": appointment.end.astimezone(zone),
            "may_change": client_may_change(appointment),
            "notice_hours": BookingSettings.for_practice(appointment.practice).notice_hours,
        },
    )


@client_required
def session_move(request, appointment_uuid):
    appointment = get_appointment_for_client(request.client, appointment_uuid)
    if not client_may_change(appointment):
        messages.info(request, "This session is too close to move here. Please contact your therapist.")
        return redirect("bookings:session", appointment_uuid=appointment.uuid)
    zone_name = client_zone(request, request.client)
    zone = ZoneInfo(zone_name)
    error = None
    if request.method == "POST":
        start = parse_key(request.POST.get("slot", ""))
        try:
            if start is None:
                raise BookingError("Please choose one of the times below.")
            if not slot_is_free(appointment.therapist, appointment.kind, start, ignore=appointment):
                raise BookingError(TAKEN)  # said now, not after they confirm
            if request.POST.get("confirm") != "yes":
                # A time was chosen: say what will happen and ask, before anything changes.
                return render(
                    request,
                    "bookings/client/move_confirm.html",
                    {
                        "appointment": appointment,
                        "slot": request.POST["slot"],
                        "was": appointment.start.astimezone(zone),
                        "new": start.astimezone(zone),
                        "zone_name": zone_name,
                    },
                )
            session_move_by_client(appointment=appointment, start=start)
        except BookingError as problem:
            error = problem.message
        else:
            messages.success(
                request,
                f"Your session has moved. We've emailed you the new time, and {appointment.therapist.display_name} "
                "has been told.",
            )
            return redirect("bookings:session", appointment_uuid=appointment.uuid)

    def times(first, until):
        found = _session_times(appointment.therapist, zone, first, until, ignore=appointment)
        return [s for s in found if s.start != appointment.start]

    shown, earlier, later = session_window(times, request, zone_name)
    return render(
        request,
        "bookings/client/move.html",
        {
            "appointment": appointment,
            "days": group_by_day(shown, zone_name),
            "earlier": earlier,
            "later": later,
            "zone_name": zone_name,
            "error": error,
        },
        status=409 if error else 200,
    )


def _time_away(left) -> str:
    """How far away a session is, in the terms a late-cancellation policy uses (hours, under two days)."""
    hours = int(left.total_seconds() // 3600)
    if hours < 48:
        return f"{hours} hour{'s' if hours != 1 else ''} from now"
    return f"more than {hours // 24} days from now"


@client_required
def session_cancel(request, appointment_uuid):
    appointment = get_appointment_for_client(request.client, appointment_uuid)
    if not client_may_change(appointment):
        messages.info(request, "This session is too close to cancel here. Please contact your therapist.")
        return redirect("bookings:session", appointment_uuid=appointment.uuid)
    if request.method == "POST":
        session_cancel_by_client(appointment=appointment)
        messages.success(
            request,
            f"Your session is cancelled and {appointment.therapist.display_name} has been told. "
            "You can book another whenever you're ready.",
        )
        return redirect("bookings:mine")
    zone = ZoneInfo(client_zone(request, request.client))
    return render(
        request,
        "bookings/client/cancel.html",
        {
            "appointment": appointment,
            "local_start": appointment.start.astimezone(zone),
            "away": _time_away(appointment.start - timezone.now()),
            # The practice's late-cancellation policy, when it has one (money's panel): beside how far
            # away the session is, the client can see before confirming whether it applies.
            "booking_terms": render_panels("CLIENT_BOOKING_TERMS", request, request.client),
        },
    )


@client_required
def session_ics(request, appointment_uuid):
    appointment = get_appointment_for_client(request.client, appointment_uuid)
    url = request.build_absolute_uri(reverse("bookings:session", kwargs={"appointment_uuid": appointment.uuid}))
    response = HttpResponse(ics.appointment_ics(appointment, manage=url), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="session.ics"'
    return response

"""Signed-in pages: a client's sessions, the therapist's calendar and availability, the owner's rules."""

import uuid
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.forms import modelformset_factory
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from audit.services import audit_read
from bookings import calendar
from bookings.access import (
    get_appointment_for_client,
    get_appointment_for_clinician,
    get_rw_appointment_for_clinician,
)
from bookings.forms import (
    AvailabilityForm,
    BookingSettingsForm,
    DayOffForm,
    FeedForm,
    OutcomeForm,
    SessionForm,
    TherapistBookForm,
    WorkingHoursForm,
    valid_zone,
)
from bookings.models import Appointment, Availability, BookingSettings, Consultation, DayOff, Kind, WorkingHours
from bookings.services import (
    BookingError,
    appointment_cancel,
    appointment_confirm,
    appointment_move,
    appointment_restore,
    client_may_change,
    consultation_outcome,
    feed_token_revoke,
    feed_token_rotate,
    session_book,
)
from bookings.slots import free_slots, free_slots_by_therapist, parse_key
from bookings.views_public import cookie_zone, group_by_day, slot_link, week_of_times
from practice.access import (
    client_required,
    get_rw_client_for_clinician,
    owner_required,
    staff_required,
    therapist_required,
)
from practice.models import StaffMember


def client_zone(request, client) -> str:
    return valid_zone(request.GET.get("tz")) or cookie_zone(request) or client.practice.time_zone


# ---- Clients ---------------------------------------------------------------------------------


def _client_therapist(client):
    """The client's therapist with their name, practice and booking rules, in one query.

    The practice is the client's own object when they share it, so it is read once.
    A therapist without booking rules gets the defaults, unsaved: this is a read.
    """
    therapist = StaffMember.objects.select_related("user", "practice", "availability").get(pk=client.therapist_id)
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
    """The week of free session times to show (``views_public.week_of_times``, searched from today)."""
    return week_of_times(times, request, zone_name)


@client_required
def mine(request):
    client = request.client
    therapist, rules = _client_therapist(client)
    zone_name = client_zone(request, client)
    zone = ZoneInfo(zone_name)
    # The template names the therapist and the kind of each session, nothing of the practice.
    upcoming = list(Appointment.objects.for_client(client).active().upcoming().select_related("therapist__user"))
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
        {"form": form, "local": start.astimezone(zone), "slot": slot, "alternatives": alternatives, "client": client},
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
    error = None
    if request.method == "POST":
        start = parse_key(request.POST.get("slot", ""))
        try:
            if start is None:
                raise BookingError("Please choose one of the times below.")
            appointment_move(appointment=appointment, start=start, by="client")
        except BookingError as problem:
            error = problem.message
        else:
            messages.success(request, "Your session has moved. We've emailed you the new time.")
            return redirect("bookings:session", appointment_uuid=appointment.uuid)
    zone = ZoneInfo(zone_name)

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


@client_required
def session_cancel(request, appointment_uuid):
    appointment = get_appointment_for_client(request.client, appointment_uuid)
    if not client_may_change(appointment):
        messages.info(request, "This session is too close to cancel here. Please contact your therapist.")
        return redirect("bookings:session", appointment_uuid=appointment.uuid)
    if request.method == "POST":
        appointment_cancel(appointment=appointment, by="client")
        messages.success(request, "Your session is cancelled. You can book another whenever you're ready.")
        return redirect("bookings:mine")
    zone = ZoneInfo(client_zone(request, request.client))
    return render(
        request,
        "bookings/client/cancel.html",
        {"appointment": appointment, "local_start": appointment.start.astimezone(zone)},
    )


@client_required
def session_ics(request, appointment_uuid):
    appointment = get_appointment_for_client(request.client, appointment_uuid)
    url = request.build_absolute_uri(reverse("bookings:session", kwargs={"appointment_uuid": appointment.uuid}))
    response = HttpResponse(
        calendar.appointment_ics(appointment, manage=url), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="session.ics"'
    return response


# ---- Therapists ------------------------------------------------------------------------------


def _parse_day(value: str | None, fallback: date) -> date:
    try:
        return date.fromisoformat(value or "")
    except ValueError:
        return fallback


@therapist_required
def agenda(request):
    staff = request.staff
    zone = staff.practice.zone
    today = timezone.now().astimezone(zone).date()
    view = "day" if request.GET.get("view") == "day" else "week"
    day = _parse_day(request.GET.get("date"), today)
    first = day if view == "day" else day - timedelta(days=day.weekday())
    length = 1 if view == "day" else 7
    start = datetime.combine(first, datetime.min.time(), tzinfo=zone)
    end = datetime.combine(first + timedelta(days=length), datetime.min.time(), tzinfo=zone)
    appointments = list(
        Appointment.objects.for_therapist(staff)
        .between(start, end)
        .select_related("client__user", "consultation")
        .order_by("start")
    )
    days = []
    for offset in range(length):
        current = first + timedelta(days=offset)
        days.append(
            (
                current,
                [
                    (a, a.start.astimezone(zone), a.end.astimezone(zone))
                    for a in appointments
                    if a.start.astimezone(zone).date() == current
                ],
            )
        )
    upcoming = list(
        Appointment.objects.for_therapist(staff).active().upcoming().select_related("client__user", "consultation")[:20]
    )
    requests = [a for a in upcoming if a.status == Appointment.Status.REQUESTED]
    return render(
        request,
        "bookings/staff/agenda.html",
        {
            "view": view,
            "days": days,
            "first": first,
            "previous": first - timedelta(days=length),
            "next": first + timedelta(days=length),
            "today": today,
            "upcoming": [(a, a.start.astimezone(zone)) for a in upcoming],
            "requests": [(a, a.start.astimezone(zone)) for a in requests],
            "zone_name": staff.practice.time_zone,
        },
    )


@staff_required
def appointment_detail(request, appointment_uuid):
    appointment, can_write = get_appointment_for_clinician(request.user, appointment_uuid)
    zone = request.staff.practice.zone
    if appointment.consultation_id and appointment.consultation.note:
        audit_read(request, appointment.consultation, client=appointment.client, object_type="bookings.consultation")
    outcome_form = None
    if (
        can_write
        and appointment.kind == Kind.CONSULTATION
        and appointment.consultation_id
        and not appointment.consultation.outcome
    ):
        outcome_form = OutcomeForm()
    return render(
        request,
        "bookings/staff/appointment.html",
        {
            "appointment": appointment,
            "local_start": appointment.start.astimezone(zone),
            "local_end": appointment.end.astimezone(zone),
            "outcome_form": outcome_form,
            "zone_name": request.staff.practice.time_zone,
            "is_past": appointment.start <= timezone.now(),
            "can_write": can_write,
        },
    )


@staff_required
@require_POST
def appointment_action(request, appointment_uuid, action):
    appointment = get_rw_appointment_for_clinician(request.user, appointment_uuid)
    try:
        if action == "confirm":
            appointment_confirm(appointment=appointment)
            messages.success(request, "Confirmed. We've let them know.")
        elif action == "cancel":
            appointment_cancel(appointment=appointment, by="therapist")
            messages.success(request, "Cancelled. We've let them know.")
        elif action == "restore":
            appointment_restore(appointment=appointment)
            messages.success(request, "The appointment is back on the calendar.")
        else:
            raise Http404
    except BookingError as error:
        messages.error(request, error.message)
    return redirect("bookings:appointment", appointment_uuid=appointment.uuid)


@staff_required
def appointment_outcome(request, appointment_uuid):
    appointment = get_rw_appointment_for_clinician(request.user, appointment_uuid)
    if appointment.kind != Kind.CONSULTATION or not appointment.consultation_id:
        raise Http404
    if appointment.consultation.outcome:
        return redirect("bookings:appointment", appointment_uuid=appointment.uuid)
    form = OutcomeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        consultation_outcome(
            appointment=appointment,
            staff=request.staff,
            outcome=form.cleaned_data["outcome"],
            include_other_help=form.cleaned_data["include_other_help"],
            request=request,
        )
        if form.cleaned_data["outcome"] == Consultation.Outcome.GOOD_FIT:
            messages.success(
                request, f"We've emailed {appointment.consultation.name} an invitation to join as your client."
            )
        else:
            messages.success(request, f"We've sent {appointment.consultation.name} a kind note.")
        return redirect("bookings:appointment", appointment_uuid=appointment.uuid)
    return render(
        request,
        "bookings/staff/outcome.html",
        {"appointment": appointment, "form": form},
        status=400 if form.errors else 200,
    )


@staff_required
def book_for_client(request, client_uuid):
    client = get_rw_client_for_clinician(request.user, client_uuid)
    zone = request.staff.practice.zone
    form = TherapistBookForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        start = form.cleaned_data["start"].replace(tzinfo=None)
        aware = start.replace(tzinfo=zone)
        try:
            appointment = session_book(
                client=client, start=aware, mode=form.cleaned_data["mode"], by="therapist", check_slot=False
            )
        except BookingError as error:
            form.add_error("start", error.message)
        else:
            messages.success(request, f"Booked {client.display_name} in.")
            return redirect("bookings:appointment", appointment_uuid=appointment.uuid)
    suggestions = [(s, s.start.astimezone(zone)) for s in free_slots(client.therapist, Kind.SESSION)[:8]]
    return render(
        request,
        "bookings/staff/book_for_client.html",
        {"form": form, "client": client, "suggestions": suggestions, "zone_name": request.staff.practice.time_zone},
        status=400 if form.errors else 200,
    )


@staff_required
def care(request, client_uuid):
    from bookings.forms import CareForm
    from bookings.models import CareChange
    from bookings.services import care_status_change

    client = get_rw_client_for_clinician(request.user, client_uuid)
    form = CareForm(
        request.POST if request.method == "POST" else None,
        initial={"status": client.care_status, "since": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        care_status_change(
            client=client,
            status=form.cleaned_data["status"],
            since=form.cleaned_data["since"],
            staff=request.staff,
            request=request,
        )
        messages.success(request, f"{client.display_name}'s care is now {client.get_care_status_display().lower()}.")
        return redirect("practice:client_detail", client_uuid=client.uuid)
    return render(
        request,
        "bookings/staff/care.html",
        {"form": form, "client": client, "history": CareChange.objects.filter(client=client)[:20]},
        status=400 if form.errors else 200,
    )


HoursFormSet = modelformset_factory(WorkingHours, form=WorkingHoursForm, extra=2, can_delete=True)


@therapist_required
def availability(request):
    staff = request.staff
    rules = Availability.for_therapist(staff)
    hours_qs = WorkingHours.objects.filter(therapist=staff)
    form = AvailabilityForm(request.POST if request.method == "POST" else None, instance=rules, prefix="rules")
    hours = HoursFormSet(request.POST if request.method == "POST" else None, queryset=hours_qs, prefix="hours")
    if request.method == "POST" and form.is_valid() and hours.is_valid():
        form.save()
        for entry in hours.save(commit=False):
            entry.therapist = staff
            entry.save()
        for gone in hours.deleted_objects:
            gone.delete()
        messages.success(request, "Your availability is saved.")
        return redirect("bookings:availability")
    return render(
        request,
        "bookings/staff/availability.html",
        {
            "form": form,
            "hours": hours,
            "days_off": DayOff.objects.filter(therapist=staff, date__gte=timezone.localdate()),
            "day_off_form": DayOffForm(),
            "zone_name": staff.practice.time_zone,
        },
        status=400 if request.method == "POST" else 200,
    )


@therapist_required
def days_off(request):
    staff = request.staff
    if request.method == "POST":
        if request.POST.get("remove"):
            DayOff.objects.filter(
                therapist=staff, pk=request.POST["remove"] if request.POST["remove"].isdigit() else 0
            ).delete()
            return redirect("bookings:availability")
        form = DayOffForm(request.POST)
        if form.is_valid():
            DayOff.objects.get_or_create(
                therapist=staff, date=form.cleaned_data["date"], defaults={"note": form.cleaned_data["note"]}
            )
            messages.success(request, "Day off added.")
            return redirect("bookings:availability")
    else:
        form = DayOffForm()
    return render(
        request, "bookings/staff/day_off.html", {"form": form}, status=400 if request.method == "POST" else 200
    )


@therapist_required
def feed(request):
    staff = request.staff
    rules = Availability.for_therapist(staff)
    form = FeedForm(
        request.POST if request.method == "POST" else None, initial={"feed_shows_names": rules.feed_shows_names}
    )
    feed_url = ""
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "rotate":
            # Only the link's hash is kept, so this answer is the one time it can be shown: it is
            # rendered here rather than after a redirect, and never put in the session or a message.
            token = feed_token_rotate(therapist=staff)
            feed_url = request.build_absolute_uri(reverse("bookings:therapist_feed", kwargs={"token": token}))
            rules.refresh_from_db()
            return render(request, "bookings/staff/feed.html", {"form": form, "feed_url": feed_url, "rules": rules})
        elif action == "revoke":
            feed_token_revoke(therapist=staff)
            messages.success(request, "Your calendar link is switched off.")
        elif form.is_valid():
            rules.feed_shows_names = form.cleaned_data["feed_shows_names"]
            rules.save(update_fields=["feed_shows_names"])
            messages.success(request, "Saved.")
        return redirect("bookings:feed")
    rules.refresh_from_db()
    return render(request, "bookings/staff/feed.html", {"form": form, "feed_url": feed_url, "rules": rules})


@owner_required
def practice_rules(request):
    rules = BookingSettings.for_practice(request.staff.practice)
    form = BookingSettingsForm(request.POST if request.method == "POST" else None, instance=rules)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Booking settings saved.")
        return redirect("bookings:practice_rules")
    return render(request, "bookings/staff/practice_rules.html", {"form": form}, status=400 if form.errors else 200)

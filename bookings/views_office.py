"""The practice's front desk: the office (an owner or an administrator) sees every therapist's calendar,
books clients in, moves, confirms and cancels appointments, and answers consultation requests.

Nothing here shows clinical content: a consultation request's "what brings them" and a consultation's
outcome stay with the therapist (``views_calendar``); the office sees who, when, with whom and how.
Each change the office makes on a therapist's calendar is audited, with who made it.
"""

from datetime import datetime, timedelta

from django import forms
from django.contrib import messages
from django.db import transaction
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.html import format_html
from django.views.decorators.http import require_POST

from audit.models import AuditEvent
from audit.services import audit_record
from bookings.access import get_appointment_for_office
from bookings.forms import TherapistBookForm
from bookings.models import (
    KIND_LABELS,
    MODE_LABELS,
    PERSON_SHOWN,
    STATUS_LABELS,
    Appointment,
    Kind,
    appointment_person,
    upcoming_from,
)
from bookings.services_appointments import (
    BookingError,
    appointment_cancel,
    appointment_confirm,
    appointment_move,
    appointment_restore,
)
from bookings.services_sessions import session_book
from bookings.slots import free_slots
from bookings.views_calendar import _parse_day
from core.compiled import CompiledRead
from core.html import format_rows
from core.links import url_maker
from core.panels import render_panels
from practice.access import get_client_for_office, office_required
from practice.models import Client, staff_name
from practice.paging import ClientList

CLIENTS_PAGE_SIZE = 50
BY_OFFICE = "practice"  # booked_by / cancelled by: the practice, not the client (no late-cancellation fee)


class MoveForm(forms.Form):
    start = forms.DateTimeField(
        label="New date and time",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        help_text="In the practice's time zone. The length stays the same.",
    )


def _audit(request, appointment, what: str) -> None:
    audit_record(
        action=AuditEvent.Action.UPDATE if what != "booked" else AuditEvent.Action.CREATE,
        object_type="bookings.appointment",
        object_id=appointment.uuid,
        request=request,
        client=appointment.client,
        practice=appointment.practice,
        detail={"by": "office", "what": what, "therapist": str(appointment.therapist.uuid)},
    )


# A day's list is written here, once per day, rather than item by item in the template: a twenty-therapist
# practice's day is over a hundred appointments, and their links, times and names looked up and filtered one by
# one were most of the page's time (docs/benchmarks.md).
_AGENDA_ITEM = (
    '<li class="agenda-item agenda-item--{}"><a href="{}">{}–{} {}: {}</a> '
    '<span class="small">with {}, {}</span> <span class="badge">{}</span></li>'
)


def _agenda_items(entries, link) -> str:
    return format_rows(
        "",
        _AGENDA_ITEM,
        (
            (
                status,
                link(uuid),
                f"{start:%H:%M}",
                f"{end:%H:%M}",
                KIND_LABELS.get(kind, kind),
                appointment_person(*person),
                staff_name(therapist_name, therapist_email),
                MODE_LABELS.get(mode, mode).lower(),
                STATUS_LABELS.get(status, status),
            )
            for (
                uuid,
                status,
                kind,
                mode,
                *person,
                therapist_name,
                therapist_email,
            ), start, end in entries
        ),
    )


# The practice's appointments of a day or a week as the rows the list shows (``_agenda_items``): plain values, one
# row each, built by the ORM once (core/compiled.py), rather than six models a row (35 → 17 ms a day's page in process,
# together with the office's message totals, messaging/panels_staff.py). The names are
# each one's ``display_name``, ``person_name``: the client's own, else the one given for a consultation.
_DAY_ROWS = CompiledRead(
    Appointment,
    lambda shape, *, practice, start, end, after: Appointment.objects.filter(practice=practice)
    .exclude(client__erasure__completed_at__isnull=False)
    .between(start, end)
    # No appointment lasts half a day: this lower bound lets the (practice, start) index read one week instead of
    # every appointment the practice ever had before it.
    .filter(start__gte=after)
    .order_by("start", "therapist__user__name")
    .values_list(
        "start",
        "end",
        "uuid",
        "status",
        "kind",
        "mode",
        *PERSON_SHOWN,
        "therapist__user__name",
        "therapist__user__email",
    ),
    {"practice": int, "start": datetime, "end": datetime, "after": datetime},
)


# The requests waiting to be confirmed, the twenty soonest, with the people named: a kept read (core/compiled.py),
# prepared once per connection. Built by the ORM on every view, its seven joins took PostgreSQL 2.3 ms to plan and
# 0.2 ms to run (EXPLAIN ANALYZE on the full practice), besides the ORM's own work on it.
_WAITING = CompiledRead(
    Appointment,
    lambda shape, *, practice, now, since: Appointment.objects.filter(practice=practice)
    .requested()
    .upcoming(now, since=since)
    .with_people()[:20],
    {"practice": int, "now": datetime, "since": datetime},
)


@office_required
def calendar(request):
    """Every therapist's appointments for a day (or a week), and the requests waiting to be confirmed.

    A day is the default, as a front desk works (Jane's and Cliniko's schedules open on today): a practice of
    twenty therapists books six hundred appointments a week, too many to read as one list, and a page that
    long cost the office a quarter of a second each time it looked (docs/headroom.md).
    """
    practice = request.staff.practice
    zone = practice.zone
    today = timezone.now().astimezone(zone).date()
    view = "week" if request.GET.get("view") == "week" else "day"
    day = _parse_day(request.GET.get("date"), today)
    first = day if view == "day" else day - timedelta(days=day.weekday())
    length = 1 if view == "day" else 7
    start = datetime.combine(first, datetime.min.time(), tzinfo=zone)
    end = datetime.combine(first + timedelta(days=length), datetime.min.time(), tzinfo=zone)
    rows = _DAY_ROWS.rows(practice=practice.pk, start=start, end=end, after=start - timedelta(hours=12))
    by_day: dict = {first + timedelta(days=offset): [] for offset in range(length)}
    for starts, ends, *shown in rows:
        local_start = starts.astimezone(zone)
        if local_start.date() in by_day:
            by_day[local_start.date()].append((shown, local_start, ends.astimezone(zone)))
    link = url_maker("bookings:office_appointment", "appointment_uuid")
    days = [(day, _agenda_items(entries, link)) for day, entries in by_day.items()]
    # Bounded below as above (``upcoming_from``): the index reads from half a day ago on, not the practice's past.
    requests = _WAITING.objects(practice=practice.pk, **upcoming_from())
    return render(
        request,
        "bookings/office/calendar.html",
        {
            "view": view,
            "days": days,
            "first": first,
            "previous": first - timedelta(days=length),
            "next": first + timedelta(days=length),
            "today": today,
            "requests": [(a, a.start.astimezone(zone)) for a in requests],
            "zone_name": practice.time_zone,
            "panels": render_panels("OFFICE_HOME", request, request.staff),
        },
    )


@office_required
def appointment(request, appointment_uuid):
    appointment = get_appointment_for_office(request.user, appointment_uuid)
    zone = request.staff.practice.zone
    return render(
        request,
        "bookings/office/appointment.html",
        {
            "appointment": appointment,
            "local_start": appointment.start.astimezone(zone),
            "local_end": appointment.end.astimezone(zone),
            "zone_name": request.staff.practice.time_zone,
        },
    )


@office_required
@require_POST
def appointment_action(request, appointment_uuid, action):
    appointment = get_appointment_for_office(request.user, appointment_uuid)
    try:
        with transaction.atomic():
            if action == "confirm":
                appointment_confirm(appointment=appointment)
                done = "Confirmed. We've let them know."
            elif action == "cancel":
                appointment_cancel(appointment=appointment, by=BY_OFFICE)
                done = "Cancelled. We've let them know."
            elif action == "restore":
                appointment_restore(appointment=appointment)
                done = "The appointment is back on the calendar."
            else:
                raise Http404
            _audit(request, appointment, action)
    except BookingError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, done)
    return redirect("bookings:office_appointment", appointment_uuid=appointment.uuid)


@office_required
def move(request, appointment_uuid):
    appointment = get_appointment_for_office(request.user, appointment_uuid)
    if not appointment.is_active:
        raise Http404
    zone = request.staff.practice.zone
    form = MoveForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        start = form.cleaned_data["start"].replace(tzinfo=None).replace(tzinfo=zone)
        try:
            with transaction.atomic():
                # As the therapist books: outside working hours if need be, never over another appointment.
                appointment_move(appointment=appointment, start=start, by=BY_OFFICE, check_slot=False)
                _audit(request, appointment, "moved")
        except BookingError as error:
            form.add_error("start", error.message)
        else:
            messages.success(request, "Moved. We've let them know.")
            return redirect("bookings:office_appointment", appointment_uuid=appointment.uuid)
    return render(
        request,
        "bookings/office/move.html",
        {
            "form": form,
            "appointment": appointment,
            "local_start": appointment.start.astimezone(zone),
            "zone_name": request.staff.practice.time_zone,
        },
        status=400 if form.errors else 200,
    )


# The office's list of clients: by name, erased clients left out, found by their account's name or email.
_OFFICE_LIST = ClientList(
    lambda practice: Client.objects.in_practice(practice)
    .exclude(pk__in=Client.objects.erased())
    .order_by("user__name", "user__email", "pk"),
    lambda found, query: found.filter(Q(user__name__icontains=query) | Q(user__email__icontains=query)),
)


@office_required
def clients(request):
    """The practice's clients, with how to reach them and who they see: for booking and billing.

    A page at a time, and found by a part of their name or email, so a practice of thousands is as quick as one
    of ten."""
    query = request.GET.get("q", "").strip()[:100]
    page, clients = _OFFICE_LIST.page(request.staff.practice, CLIENTS_PAGE_SIZE, request.GET.get("page"), query=query)
    return render(
        request,
        "bookings/office/clients.html",
        {
            "page": page,
            "clients": clients,
            "rows": _client_rows(clients),
            "query": query,
            "page_size": CLIENTS_PAGE_SIZE,
        },
    )


_CLIENT_ROW = (
    '\n  <li>{} <span class="small"><a href="mailto:{}">{}</a>, with {}</span>{}\n'
    '    <a href="{}">Book a session<span class="visually-hidden"> for {}</span></a>\n'
    '    · <a href="{}">Money<span class="visually-hidden">: {}</span></a></li>\n  '
)


def _client_rows(clients) -> str:
    """The office's list of clients, written here rather than by the template row by row (as the owner's list:
    docs/benchmarks.md, sixteenth pass)."""
    book, money = url_maker("bookings:office_book", "client_uuid"), url_maker("money:client", "client_uuid")
    return format_rows(
        "",
        _CLIENT_ROW,
        (
            (
                c.display_name,
                c.email,
                c.email,
                c.therapist_name,
                ""
                if c.care_status == Client.CareStatus.ACTIVE
                else format_html(' <span class="badge">{}</span>', c.care_status_label),
                book(c.uuid),
                c.display_name,
                money(c.uuid),
                c.display_name,
            )
            for c in clients
        ),
    )


@office_required
def book(request, client_uuid):
    client = get_client_for_office(request.user, client_uuid)
    zone = request.staff.practice.zone
    form = TherapistBookForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        start = form.cleaned_data["start"].replace(tzinfo=None).replace(tzinfo=zone)
        try:
            with transaction.atomic():
                appointment = session_book(
                    client=client, start=start, mode=form.cleaned_data["mode"], by=BY_OFFICE, check_slot=False
                )
                _audit(request, appointment, "booked")
        except BookingError as error:
            form.add_error("start", error.message)
        else:
            messages.success(request, f"Booked {client.display_name} in with {client.therapist.display_name}.")
            return redirect("bookings:office_appointment", appointment_uuid=appointment.uuid)
    suggestions = [(s, s.start.astimezone(zone)) for s in free_slots(client.therapist, Kind.SESSION)[:8]]
    return render(
        request,
        "bookings/office/book.html",
        {"form": form, "client": client, "suggestions": suggestions, "zone_name": request.staff.practice.time_zone},
        status=400 if form.errors else 200,
    )

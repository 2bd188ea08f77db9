"""The therapist's calendar: the week or day, each appointment and what they do with it, booking a
client in, a client's care, and the private calendar feed."""

from datetime import date, datetime, timedelta
from typing import NamedTuple

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from audit.models import AuditEvent
from audit.services import audit_read, audit_record
from bookings import ics
from bookings.access import get_appointment_for_clinician, get_feed_therapist, get_rw_appointment_for_clinician
from bookings.forms import CareForm, FeedForm, OutcomeForm, TherapistBookForm
from bookings.models import (
    KIND_LABELS,
    MODE_LABELS,
    PERSON_SHOWN,
    STATUS_LABELS,
    Appointment,
    Availability,
    Consultation,
    Kind,
    appointment_person,
    upcoming_from,
)
from bookings.services_appointments import BookingError, appointment_cancel, appointment_confirm, appointment_restore
from bookings.services_front_door import consultation_outcome
from bookings.services_sessions import feed_token_revoke, feed_token_rotate, session_book
from bookings.slots import free_slots
from core.compiled import CompiledRead
from core.html import format_rows
from core.links import url_maker
from practice.access import get_rw_client_for_clinician, staff_required, therapist_required
from practice.care_status import care_status_change
from practice.models import CareChange


def _parse_day(value: str | None, fallback: date) -> date:
    try:
        return date.fromisoformat(value or "")
    except ValueError:
        return fallback


# What the calendar shows of an appointment, read as rows rather than appointments with their clients, accounts and
# consultations: a week was a hundred and fifty instances to build, most of the page's time on SQLite (docs/benchmarks.md,
# eighteenth pass).
_SHOWN = (
    "uuid",
    "start",
    "end",
    "status",
    "kind",
    "mode",
    *PERSON_SHOWN,
)
# The therapist's week (or day) and what is coming: built by the ORM once (core/compiled.py).
_WEEK = CompiledRead(
    Appointment,
    lambda shape, *, therapist, start, end: Appointment.objects.for_therapist(therapist)
    .between(start, end)
    .order_by("start")
    .values_list(*_SHOWN),
    {"therapist": int, "start": datetime, "end": datetime},
)
_COMING = CompiledRead(
    Appointment,
    lambda shape, *, therapist, now, since: Appointment.objects.for_therapist(therapist)
    .active()
    .upcoming(now, since=since)
    .values_list(*_SHOWN)[:20],
    {"therapist": int, "now": datetime, "since": datetime},
)


class _Entry(NamedTuple):
    """An appointment as the calendar writes it: its link, its day, "Mon 7 Dec, 09:00", "09:00–09:50", and whom with."""

    url: str
    day: date
    when: str
    span: str
    status: str
    kind: str
    mode: str
    person: str


_DAY_ROW = (
    '\n    <li class="agenda-item agenda-item--{}"><a href="{}">{} {}: {}</a> <span class="badge">{}</span>'
    ' <span class="small">{}</span></li>\n    '
)
_COMING_ROW = '\n    <li><a href="{}">{} — {}: {}</a> <span class="badge">{}</span></li>\n    '
_REQUEST_ROW = '\n    <li><a href="{}">{} — {}</a></li>\n    '


def _entries(zone, rows) -> list[_Entry]:
    """Each row's link and times in the practice's zone, made here with one reverse(): per row in the template, dates
    and links were a fifth of the page's time (cProfile)."""
    detail = url_maker("bookings:appointment", "appointment_uuid")
    entries = []
    for uuid, start, end, status, kind, mode, *person in rows:
        local, local_end = start.astimezone(zone), end.astimezone(zone)
        entries.append(
            _Entry(
                detail(uuid),
                local.date(),
                f"{local:%a} {local.day} {local:%b}, {local:%H:%M}",
                f"{local:%H:%M}–{local_end:%H:%M}",
                status,
                kind,
                mode,
                appointment_person(*person),
            )
        )
    return entries


def _day_rows(entries) -> str:
    """A day of the calendar, written here rather than by the template row by row: the rows' variables and
    choices' labels were most of the page's template work (docs/benchmarks.md, eighteenth pass)."""
    return format_rows(
        "",
        _DAY_ROW,
        (
            (e.status, e.url, e.span, KIND_LABELS[e.kind], e.person, STATUS_LABELS[e.status], MODE_LABELS[e.mode])
            for e in entries
        ),
    )


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
    appointments = _entries(zone, _WEEK.rows(therapist=staff.pk, start=start, end=end))
    upcoming = _entries(zone, _COMING.rows(therapist=staff.pk, **upcoming_from()))
    days = []
    for offset in range(length):
        current = first + timedelta(days=offset)
        days.append((current, _day_rows(e for e in appointments if e.day == current)))
    requests = format_rows(
        "", _REQUEST_ROW, ((e.url, e.when, e.person) for e in upcoming if e.status == Appointment.Status.REQUESTED)
    )
    coming = format_rows(
        "", _COMING_ROW, ((e.url, e.when, KIND_LABELS[e.kind], e.person, STATUS_LABELS[e.status]) for e in upcoming)
    )
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
            "upcoming": coming,
            "requests": requests,
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


def therapist_feed(request, token):
    therapist = get_feed_therapist(token)
    rules = Availability.for_therapist(therapist)
    since = timezone.now() - timedelta(days=60)
    appointments = list(
        Appointment.objects.for_therapist(therapist)
        .filter(end__gte=since)
        .select_related("client__user", "consultation", "practice", "therapist__user")
        .order_by("start")
    )
    body = ics.therapist_feed(therapist, appointments, show_names=rules.feed_shows_names)
    # A bulk read of the therapist's diary (with names, if they chose): one audit row per fetch,
    # by the therapist whose secret it is, from the caller's address. (audit_record keeps the path without its token.)
    audit_record(
        action=AuditEvent.Action.READ,
        object_type="bookings.calendar_feed",
        object_id=therapist.uuid,
        request=request,
        actor=therapist.user,
        practice=therapist.practice,
        detail={"appointments": len(appointments), "names": rules.feed_shows_names},
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, no-store"
    return response

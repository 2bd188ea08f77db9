"""The practice's front door: its public page and the free consultation, no account needed."""

import uuid
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from functools import lru_cache, wraps
from typing import NamedTuple
from urllib.parse import unquote
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.cache import cache
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import dateformat, timezone
from django.utils.html import format_html_join

from audit.models import AuditEvent
from audit.services import audit_record, client_ip
from bookings import calendar
from bookings.access import get_feed_therapist, get_practice_public
from bookings.forms import ConsultationForm, valid_zone, zone_choices
from bookings.models import Appointment, Availability, BookingSettings, Kind
from bookings.services import (
    BookingError,
    ManageLinkEnded,
    appointment_cancel,
    appointment_move,
    consultation_book,
    manage_link_open,
)
from bookings.slots import free_slots, free_slots_by_therapist, parse_key
from practice.models import Practice, StaffMember

TZ_COOKIE = "tz"
DAYS_SHOWN = 7


def visitor_zone(request, practice) -> tuple[str, bool]:
    """The zone to show times in, and whether the person chose it (rather than us guessing)."""
    chosen = valid_zone(request.GET.get("tz")) or valid_zone(request.POST.get("tz"))
    if chosen:
        return chosen, True
    remembered = cookie_zone(request)
    return remembered or practice.time_zone, bool(remembered)


def cookie_zone(request) -> str | None:
    """The zone the browser detected or the person chose before (the script URL-encodes the slash)."""
    return valid_zone(unquote(request.COOKIES.get(TZ_COOKIE, "")))


def remember_zone(response, request, zone_name: str):
    if request.GET.get("tz") and request.COOKIES.get(TZ_COOKIE) != zone_name:
        response.set_cookie(TZ_COOKIE, zone_name, max_age=365 * 24 * 3600, samesite="Lax", secure=request.is_secure())
    return response


class FreeDay(NamedTuple):
    """One day of free times as ``bookings/public/_days.html`` shows it, worked out once in Python.

    ``times`` holds ``(slot key, "08:30", link)`` for each time; the link is empty
    where the page books by a form post. The template unpacks these tuples rather
    than formatting a date, reversing a URL or looking up an attribute per time:
    a week of consultation times is well over a hundred of them.
    """

    anchor: str  # "20261123": the heading's id, which the section is labelled by
    label: str  # "Monday 23 November": the heading, and each time's visually-hidden " on ..."
    times: list[tuple[str, str, str]]


def group_by_day(slots, zone_name: str, link: Callable[[str], str] | None = None) -> list[FreeDay]:
    """``slots`` (in time order) by the visitor's day, each with ``link(slot key)`` if given."""
    zone = ZoneInfo(zone_name)
    days: dict[date, list] = {}
    for slot in slots:
        local = slot.start.astimezone(zone)
        key = slot.key
        days.setdefault(local.date(), []).append(
            (key, f"{local.hour:02d}:{local.minute:02d}", link(key) if link else "")
        )
    return [
        FreeDay(day.strftime("%Y%m%d"), dateformat.format(day, "l j F"), times) for day, times in sorted(days.items())
    ]


def slot_link(name: str, query: str = "", **kwargs) -> Callable[[str], str]:
    """``slot key -> link`` to the URL ``name`` for one free time, reversing the URL pattern once, not per time."""
    marker = "slot-key"
    head, _marker, tail = reverse(name, kwargs={**kwargs, "slot": marker}).rpartition(marker)
    return lambda key: f"{head}{key}{tail}{query}"


@lru_cache(maxsize=64)
def zone_options(zone_name: str) -> str:
    """The time-zone picker's options, ``zone_name`` selected: made once per zone, not ~500 per page."""
    return format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        # Escaping leaves " selected" as it is.
        ((value, " selected" if value == zone_name else "", label) for value, label in zone_choices()),
    )


def _asked_from(request, today: date) -> date | None:
    """The ``?from=`` date the visitor asked for, if it is a date and not in the past."""
    try:
        asked = date.fromisoformat(request.GET.get("from", ""))
    except ValueError:
        return None
    return asked if asked >= today else None


def window(slots, request, zone_name: str):
    """Slots within DAYS_SHOWN days from ``?from=`` (a date in the visitor's zone), plus paging dates."""
    zone = ZoneInfo(zone_name)
    today = timezone.now().astimezone(zone).date()
    first = _asked_from(request, today) or (slots[0].start.astimezone(zone).date() if slots else today)
    last = first + timedelta(days=DAYS_SHOWN)
    shown = [s for s in slots if first <= s.start.astimezone(zone).date() < last]
    later = next((s.start.astimezone(zone).date() for s in slots if s.start.astimezone(zone).date() >= last), None)
    earlier = (
        first - timedelta(days=DAYS_SHOWN)
        if first > today and slots and slots[0].start.astimezone(zone).date() < first
        else None
    )
    return shown, earlier, later


def root(request):
    practices = list(Practice.objects.order_by("name"))
    if len(practices) == 1:
        return practice_page(request, practices[0].slug)
    return render(request, "bookings/public/index.html", {"practices": practices})


def practice_page(request, slug):
    practice = get_practice_public(slug)
    rules = BookingSettings.for_practice(practice)
    therapists = list(
        StaffMember.objects.therapists().in_practice(practice).select_related("user").order_by("user__name")
    )
    return render(
        request,
        "bookings/public/practice.html",
        {"practice": practice, "rules": rules, "therapists": therapists, "public_practice": practice},
    )


def _consulting_therapists(practice) -> list:
    """The practice's therapists who take free consultations, with their rules, in one query."""
    return list(
        StaffMember.objects.therapists()
        .in_practice(practice)
        .filter(availability__offers_consultation=True, availability__accepts_bookings=True)
        .select_related("user", "practice", "availability")
        .order_by("user__name")
    )


def _chosen_therapists(everyone: list, choice: str):
    """Everyone for "whoever is first free", or the one chosen; 404 unless they take consultations."""
    if not choice or choice == "any":
        return everyone, None
    try:
        wanted = uuid.UUID(choice)
    except ValueError:
        raise Http404 from None
    # Found in ``everyone``, this practice's public list, without a query: a therapist of another
    # practice, or one who takes no consultations, is not there.
    chosen = next((t for t in everyone if t.uuid == wanted), None)
    if chosen is None:
        raise Http404
    return [chosen], chosen


def _consultation_times(therapists, zone, first: date, until: date | None) -> list:
    """Free consultation times with any of ``therapists`` on the visitor's days ``first`` to ``until`` (excluded).

    The therapists come from ``_consulting_therapists``, with their rules loaded.
    ``until=None`` runs to the end of every horizon. Each time appears once, with
    the first therapist (in the order given) who is free then.
    """
    if not therapists:
        return []
    practice_zone = therapists[0].practice.zone

    def practice_day(day: date) -> date:
        # The practice-local date at the visitor's midnight: the days to search cover the visitor's days.
        return datetime.combine(day, time.min, tzinfo=zone).astimezone(practice_zone).date()

    found = free_slots_by_therapist(
        therapists,
        Kind.CONSULTATION,
        first_day=practice_day(first),
        last_day=practice_day(until) if until is not None else None,
        rules={t.id: t.availability for t in therapists},
    )
    seen: dict = {}
    for therapist in therapists:
        for slot in found[therapist.id]:
            seen.setdefault(slot.start, slot)
    return [
        seen[start]
        for start in sorted(seen)
        if first <= start.astimezone(zone).date() and (until is None or start.astimezone(zone).date() < until)
    ]


def week_of_times(times, request, zone_name: str, *, exact_earlier: bool = True):
    """The week of free times to show from ``?from=``, and the dates the paging links go to.

    The same week and links as ``window`` over every free time, but ``times(first, until)``
    (the free times on the visitor's days ``first`` to ``until``, excluded; ``None`` for the end
    of the horizon) is asked only for a fortnight from the shown week's start, and for the rest of
    the horizon only when that cannot answer (nothing free in it, or nothing after the shown week).
    With ``exact_earlier`` the search starts today, so "Earlier dates" is exact; without it, it
    starts a week before the shown week and, further out, "Earlier dates" pages back a week,
    which may have no free times.
    """
    zone = ZoneInfo(zone_name)
    today = timezone.now().astimezone(zone).date()
    asked = _asked_from(request, today)
    start = asked or today
    near = start + timedelta(days=2 * DAYS_SHOWN)
    slots = times(today if exact_earlier else max(today, start - timedelta(days=DAYS_SHOWN)), near)
    complete = False

    def local(slot) -> date:
        return slot.start.astimezone(zone).date()

    if asked is None and not slots:
        slots += times(near, None)
        complete = True
    first = asked or (local(slots[0]) if slots else today)
    last = first + timedelta(days=DAYS_SHOWN)
    later = next((local(s) for s in slots if local(s) >= last), None)
    if later is None and not complete:
        slots += times(near, None)
        later = next((local(s) for s in slots if local(s) >= last), None)
    shown = [s for s in slots if first <= local(s) < last]
    back = first - timedelta(days=DAYS_SHOWN)
    if exact_earlier:
        earlier = back if first > today and slots and local(slots[0]) < first else None
    else:
        # Without ?from= the shown week starts at the first free day: nothing is free before it.
        earlier = (
            back
            if asked is not None and first > today and (back > today or any(local(s) < first for s in slots))
            else None
        )
    return shown, earlier, later


def consult_window(therapists, request, zone_name: str):
    """The week of free consultation times to show (``week_of_times``, searched from a week before it)."""
    zone = ZoneInfo(zone_name)
    return week_of_times(
        lambda first, until: _consultation_times(therapists, zone, first, until),
        request,
        zone_name,
        exact_earlier=False,
    )


def consult_slots(request, slug):
    practice = get_practice_public(slug)
    everyone = _consulting_therapists(practice)
    therapists, chosen = _chosen_therapists(everyone, request.GET.get("with", "any"))
    zone_name, explicit = visitor_zone(request, practice)
    shown, earlier, later = consult_window(therapists, request, zone_name)
    choice = str(chosen.uuid) if chosen else "any"
    link = slot_link("bookings:consult_form", f"?with={choice}&tz={zone_name}", slug=practice.slug)
    response = render(
        request,
        "bookings/public/slots.html",
        {
            "practice": practice,
            "public_practice": practice,
            "therapists": everyone,
            "chosen": chosen,
            "choice": choice,
            "days": group_by_day(shown, zone_name, link),
            "earlier": earlier,
            "later": later,
            "zone_name": zone_name,
            "zone_explicit": explicit,
            "zone_options": zone_options(zone_name),
        },
    )
    return remember_zone(response, request, zone_name)


def _rate_limited(request) -> bool:
    limit = settings.TENDING_BOOKING_RATE_LIMIT
    key = f"bookings:rate:{client_ip(request) or 'unknown'}"
    cache.add(key, 0, timeout=3600)
    try:
        count = cache.incr(key)
    except ValueError:
        cache.set(key, 1, timeout=3600)
        count = 1
    return count > limit


def consult_form(request, slug, slot):
    practice = get_practice_public(slug)
    start = parse_key(slot)
    if start is None:
        raise Http404
    therapists, chosen = _chosen_therapists(_consulting_therapists(practice), request.GET.get("with", "any"))
    zone_name, _explicit = visitor_zone(request, practice)
    modes = sorted({m for t in therapists for m in t.availability.modes()}, reverse=True)
    form = ConsultationForm(
        request.POST if request.method == "POST" else None,
        modes=modes,
        initial={"key": uuid.uuid4().hex, "tz": zone_name},
    )
    alternatives = []
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if data["website"]:
            # A bot filled the hidden field: answer as if all went well, book nothing.
            return redirect("bookings:consult_booked", slug=practice.slug)
        if _rate_limited(request):
            form.add_error(
                None,
                "We've had a lot of booking requests from your connection in the last hour. "
                "Please try again a little later, or email the practice.",
            )
            status = 429
        else:
            try:
                consultation_book(
                    practice=practice,
                    therapists=therapists,
                    start=start,
                    name=data["name"],
                    email=data["email"],
                    phone=data["phone"],
                    note=data["note"],
                    mode=data["mode"],
                    time_zone=valid_zone(data["tz"]) or zone_name,
                    key=data["key"],
                )
            except BookingError as error:
                form.add_error(None, error.message)
                alternatives = error.alternatives
                status = 409
            else:
                return redirect("bookings:consult_booked", slug=practice.slug)
    elif request.method == "POST":
        status = 400
    local = start.astimezone(ZoneInfo(zone_name))
    return render(
        request,
        "bookings/public/consult_form.html",
        {
            "practice": practice,
            "public_practice": practice,
            "form": form,
            "chosen": chosen,
            "choice": str(chosen.uuid) if chosen else "any",
            "local": local,
            "zone_name": zone_name,
            "alternatives": [(s, s.start.astimezone(ZoneInfo(zone_name))) for s in alternatives],
        },
        status=status,
    )


def consult_booked(request, slug):
    practice = get_practice_public(slug)
    return render(request, "bookings/public/booked.html", {"practice": practice, "public_practice": practice})


def _managed(signed):
    opened = manage_link_open(signed)
    if opened is None:
        raise Http404
    return opened


def manage_link(view):
    """A manage view whose link's time is over answers with a kind page saying how to get in touch."""

    @wraps(view)
    def wrapped(request, signed, *args, **kwargs):
        try:
            return view(request, signed, *args, **kwargs)
        except ManageLinkEnded as ended:
            practice = ended.practice
            return render(
                request,
                "bookings/public/link_ended.html",
                {"practice": practice, "public_practice": practice},
                status=410,
            )

    return wrapped


@manage_link
def manage(request, signed):
    consultation, appointment = _managed(signed)
    zone_name = valid_zone(request.GET.get("tz")) or consultation.time_zone
    zone = ZoneInfo(zone_name)
    return render(
        request,
        "bookings/public/manage.html",
        {
            "practice": appointment.practice,
            "public_practice": appointment.practice,
            "appointment": appointment,
            "consultation": consultation,
            "local_start": appointment.start.astimezone(zone),
            "local_end": appointment.end.astimezone(zone),
            "zone_name": zone_name,
            "signed": signed,
            "is_past": appointment.start <= timezone.now(),
        },
    )


@manage_link
def manage_move(request, signed):
    consultation, appointment = _managed(signed)
    if not appointment.is_active or appointment.start <= timezone.now():
        return redirect("bookings:manage", signed=signed)
    zone_name = valid_zone(request.GET.get("tz")) or valid_zone(request.POST.get("tz")) or consultation.time_zone
    error = None
    if request.method == "POST":
        start = parse_key(request.POST.get("slot", ""))
        if start is None:
            error = "Please choose one of the times below."
        else:
            try:
                appointment_move(appointment=appointment, start=start, by="visitor")
            except BookingError as problem:
                error = problem.message
            else:
                return redirect(reverse("bookings:manage", kwargs={"signed": signed}) + "?moved=1")
    slots = free_slots(appointment.therapist, Kind.CONSULTATION, ignore=appointment)
    slots = [s for s in slots if s.start != appointment.start]
    shown, earlier, later = window(slots, request, zone_name)
    return render(
        request,
        "bookings/public/move.html",
        {
            "practice": appointment.practice,
            "public_practice": appointment.practice,
            "appointment": appointment,
            "days": group_by_day(shown, zone_name),
            "earlier": earlier,
            "later": later,
            "zone_name": zone_name,
            "signed": signed,
            "error": error,
            "local_start": appointment.start.astimezone(ZoneInfo(zone_name)),
        },
        status=409 if error else 200,
    )


@manage_link
def manage_cancel(request, signed):
    consultation, appointment = _managed(signed)
    if request.method == "POST":
        appointment_cancel(appointment=appointment, by="visitor")
        return redirect(reverse("bookings:manage", kwargs={"signed": signed}) + "?cancelled=1")
    zone = ZoneInfo(consultation.time_zone)
    return render(
        request,
        "bookings/public/cancel.html",
        {
            "practice": appointment.practice,
            "public_practice": appointment.practice,
            "appointment": appointment,
            "local_start": appointment.start.astimezone(zone),
            "zone_name": consultation.time_zone,
            "signed": signed,
        },
    )


@manage_link
def manage_ics(request, signed):
    _consultation, appointment = _managed(signed)
    url = request.build_absolute_uri(reverse("bookings:manage", kwargs={"signed": signed}))
    response = HttpResponse(
        calendar.appointment_ics(appointment, manage=url), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="consultation.ics"'
    return response


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
    body = calendar.therapist_feed(therapist, appointments, show_names=rules.feed_shows_names)
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

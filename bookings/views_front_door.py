"""The practice's front door: its public page, the free consultation, and the signed links with which
a visitor moves or cancels it. No account needed."""

import uuid
from datetime import date, datetime, time, timedelta
from functools import wraps
from itertools import chain
from operator import attrgetter
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from audit.services import client_ip
from bookings import ics
from bookings.access import get_practice_public
from bookings.forms import ConsultationForm, valid_zone
from bookings.free_times import (
    cookie_zone,
    group_by_day,
    on_days,
    remember_zone,
    slot_link,
    visitor_zone,
    week_of_times,
    window,
    zone_from_text,
    zone_options,
)
from bookings.manage_links import ManageLinkEnded, manage_link_open
from bookings.models import BookingSettings, Kind, Mode
from bookings.services_appointments import BookingError, appointment_cancel, appointment_move
from bookings.services_front_door import consultation_book
from bookings.slots import free_slots, free_slots_by_therapist, parse_key
from core.compiled import CompiledRead
from practice.models import Practice, StaffMember


def root(request):
    practices = list(Practice.objects.order_by("name"))
    if len(practices) == 1:
        return practice_page(request, practices[0].slug)
    if not practices:  # a new server: its first practice starts on the first-run page (practice/views_first_run.py)
        return redirect("practice:first_run")
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


# The practice's therapists who take free consultations, with their rules, by name.
_CONSULTING = CompiledRead(
    StaffMember,
    lambda shape, *, practice: StaffMember.objects.therapists()
    .in_practice(practice)
    .filter(availability__offers_consultation=True, availability__accepts_bookings=True)
    .select_related("user", "practice", "availability")
    .order_by("user__name"),
    {"practice": int},
)


def _consulting_therapists(practice) -> list:
    """The practice's therapists who take free consultations, with their rules, in one kept read."""
    return _CONSULTING.objects(practice=practice.pk)


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
    ``until=None`` runs to the end of every horizon. A time appears once for each
    therapist free then (in the order given), so "whoever is first free" can say who each time is with.
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
    # A stable sort by start of the therapists' times in their order: a start shared keeps that order.
    merged = sorted(chain.from_iterable(found[therapist.id] for therapist in therapists), key=attrgetter("start"))
    return on_days(merged, zone, first, until)


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
    typed = request.GET.get("tz", "").strip()
    shown, earlier, later = consult_window(therapists, request, zone_name)
    choice = str(chosen.uuid) if chosen else "any"
    who = None
    if chosen or len(therapists) == 1:  # one therapist: the heading says who, not each time
        only = str(therapists[0].uuid) if not chosen else choice
        link = slot_link("bookings:consult_form", f"?with={only}&tz={zone_name}", slug=practice.slug)
    else:
        # Whoever is first free: one list, each time naming its therapist and booking with them.
        links = {
            t.id: (
                t.display_name,
                slot_link("bookings:consult_form", f"?with={t.uuid}&tz={zone_name}", slug=practice.slug),
            )
            for t in therapists
        }

        def who(therapist_id, key):
            name, to = links[therapist_id]
            return name, to(key)

        link = None
    response = render(
        request,
        "bookings/public/slots.html",
        {
            "practice": practice,
            "public_practice": practice,
            "therapists": everyone,
            "chosen": chosen,
            "choice": choice,
            "days": group_by_day(shown, zone_name, link, who=who),
            "earlier": earlier,
            "later": later,
            "zone_name": zone_name,
            "zone_explicit": explicit,
            "zone_unknown": typed if typed and zone_from_text(typed) is None else "",
            "zone_options": zone_options(practice.time_zone, zone_name, cookie_zone(request) or ""),
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
        asked = _asked_page(practice, chosen, start, data["mode"], zone_name)
        if data["website"]:
            # A bot filled the hidden field: answer as if all went well, book nothing.
            return redirect(asked)
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
                # The same page whether it booked or not (the address was at its limit): the page never
                # tells anyone that an email address has been here before; the email says which.
                return redirect(asked)
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


ASKED_SALT = "bookings.asked"


def _asked_page(practice, chosen, start, mode: str, zone_name: str) -> str:
    """The "thank you" page's address, carrying what the visitor asked for (signed, so the page repeats
    only what this site wrote: with whom, when, how), and nothing of who they are."""
    asked = signing.dumps(
        {"w": str(chosen.uuid) if chosen else "", "s": start.strftime("%Y%m%dT%H%MZ"), "m": mode, "z": zone_name},
        salt=ASKED_SALT,
        compress=True,
    )
    return reverse("bookings:consult_booked", kwargs={"slug": practice.slug}) + "?" + urlencode({"asked": asked})


def _asked(request, practice) -> dict | None:
    """What the visitor asked for, from the signed ``?asked=``; None for a missing or altered one."""
    try:
        asked = signing.loads(request.GET.get("asked", ""), salt=ASKED_SALT, max_age=timedelta(days=1))
    except (signing.BadSignature, TypeError, ValueError):
        return None
    start = parse_key(asked.get("s", ""))
    zone_name = valid_zone(asked.get("z"))
    if start is None or zone_name is None or asked.get("m") not in Mode.values:
        return None
    therapist = None
    if asked.get("w"):
        therapist = next((t for t in _consulting_therapists(practice) if str(t.uuid) == asked["w"]), None)
    return {
        "therapist": therapist,
        "local": start.astimezone(ZoneInfo(zone_name)),
        "zone_name": zone_name,
        "mode": Mode(asked["m"]).label,
    }


def consult_booked(request, slug):
    practice = get_practice_public(slug)
    return render(
        request,
        "bookings/public/booked.html",
        {
            "practice": practice,
            "public_practice": practice,
            "asked": _asked(request, practice),
            "rules": BookingSettings.for_practice(practice),
        },
    )


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
    response = HttpResponse(ics.appointment_ics(appointment, manage=url), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="consultation.ics"'
    return response

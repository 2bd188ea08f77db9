"""What makes a time free: a therapist's availability (their booking rules, a weekly grid of working hours,
days off) and the owner's booking rules for the practice.

The grid works without JavaScript (each add or remove is a small form that comes back to the page at its
day); with htmx only that day is redrawn, and ``static/js/bookings/availability.js`` puts focus where the
person was working.
"""

from collections import defaultdict
from datetime import timedelta

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from bookings.forms import AvailabilityForm, BookingSettingsForm, DayOffForm, HoursRangeForm
from bookings.models import Appointment, Availability, BookingSettings, DayOff, WorkingHours
from bookings.services_availability import (
    WEEKDAYS,
    AvailabilityError,
    day_off_remove,
    days_off_add,
    hours_add,
    hours_remove,
    reach_message,
)
from practice.access import owner_required, therapist_required


def _day(weekday: int, ranges: list, *, form=None, status: str = "", focus: str = "") -> dict:
    """One day of the weekly grid: its ranges, its add form (bound when it was refused), what just happened
    (``status``, read out) and where focus goes after htmx redraws it (``focus``: "add" or "heading")."""
    return {
        "weekday": weekday,
        "name": WEEKDAYS[weekday],
        "ranges": ranges,
        "form": form or HoursRangeForm(weekday=weekday),
        "status": status,
        "focus": focus,
    }


def _week(staff, *, refused: dict | None = None) -> list[dict]:
    by_day = defaultdict(list)
    for hours in WorkingHours.objects.filter(therapist=staff):
        by_day[hours.weekday].append(hours)
    refused = refused or {}
    return [_day(weekday, by_day[weekday], form=refused.get(weekday)) for weekday in range(7)]


def _page(request, staff, *, form=None, day_off_form=None, refused: dict | None = None, status: int = 200):
    rules = Availability.for_therapist(staff)
    today = timezone.localdate()
    rules_form = form or AvailabilityForm(instance=rules, prefix="rules")
    refused_forms = [f for f in (rules_form, day_off_form, *(refused or {}).values()) if f is not None and f.errors]
    return render(
        request,
        "bookings/staff/availability.html",
        {
            "rules_form": rules_form,
            # base.html's title says "There is a problem" when ``form`` has errors: whichever form was refused.
            "form": refused_forms[0] if refused_forms else rules_form,
            "week": _week(staff, refused=refused),
            "days_off": DayOff.objects.filter(therapist=staff, date__gte=today),
            "day_off_form": day_off_form or DayOffForm(),
            "zone_name": staff.practice.time_zone,
            "reach": reach_message(rules),
            "today": today,
        },
        status=status,
    )


@therapist_required
def availability(request):
    """The page, and the booking rules' form (hours and days off have their own small forms)."""
    staff = request.staff
    if request.method == "POST":
        form = AvailabilityForm(request.POST, instance=Availability.for_therapist(staff), prefix="rules")
        if form.is_valid():
            rules = form.save()
            messages.success(request, f"Your booking rules are saved. {reach_message(rules)}")
            return redirect("bookings:availability")
        return _page(request, staff, form=form, status=400)
    return _page(request, staff)


def _day_answer(request, staff, weekday: int, *, form=None, status: str = "", focus: str = "", code: int = 200):
    """The answer to a change in one day: htmx gets the day redrawn; without it, the page at that day."""
    if request.htmx:
        ranges = list(WorkingHours.objects.filter(therapist=staff, weekday=weekday))
        # 200 even when refused: htmx swaps in only a successful answer, and the day shows why.
        return render(
            request,
            "bookings/staff/availability.html#day",
            {"day": _day(weekday, ranges, form=form, status=status, focus=focus)},
        )
    if form is not None and form.errors:
        return _page(request, staff, refused={weekday: form}, status=code)
    messages.success(request, status)
    return redirect(reverse("bookings:availability") + f"#day-{weekday}")


@therapist_required
@require_POST
def hours_add_view(request, weekday):
    if not 0 <= weekday <= 6:
        raise Http404
    staff = request.staff
    form = HoursRangeForm(request.POST, weekday=weekday)
    if form.is_valid():
        start, end = form.cleaned_data["start_time"], form.cleaned_data["end_time"]
        try:
            hours_add(therapist=staff, weekday=weekday, start=start, end=end)
        except AvailabilityError as problem:
            form.add_error(None, problem.message)
        else:
            said = (
                f"Added {WEEKDAYS[weekday]} {start:%H:%M} to {end:%H:%M}. "
                f"{reach_message(Availability.for_therapist(staff))}"
            )
            return _day_answer(request, staff, weekday, status=said, focus="add")
    return _day_answer(request, staff, weekday, form=form, focus="add", code=400)


@therapist_required
@require_POST
def hours_remove_view(request):
    staff = request.staff
    raw = request.POST.get("hours", "")
    gone = hours_remove(therapist=staff, hours_id=int(raw)) if raw.isdigit() else None
    if gone is None:
        # Removed already (another tab), or never theirs: the page as it stands says enough.
        if request.htmx:
            raise Http404
        return redirect("bookings:availability")
    said = (
        f"Removed {WEEKDAYS[gone.weekday]} {gone.start_time:%H:%M} to {gone.end_time:%H:%M}. "
        f"{reach_message(Availability.for_therapist(staff))}"
    )
    return _day_answer(request, staff, gone.weekday, status=said, focus="heading")


def _booked_on(staff, days) -> int:
    zone = staff.practice.zone
    first, last = min(days), max(days)
    # A margin of a day each side: ``start__date`` is in UTC, the days are the practice's.
    booked = Appointment.objects.active().filter(
        therapist=staff, start__date__gte=first - timedelta(days=1), start__date__lte=last + timedelta(days=1)
    )
    return sum(1 for start in booked.values_list("start", flat=True) if start.astimezone(zone).date() in days)


@therapist_required
def days_off(request):
    """Add days off (one, or a run of them), or remove one. GET shows the same form on its own page."""
    staff = request.staff
    if request.method == "POST":
        if "remove" in request.POST:
            raw = request.POST["remove"]
            gone = day_off_remove(therapist=staff, day_off_id=int(raw)) if raw.isdigit() else None
            if gone is not None:
                messages.success(
                    request, f"{gone.date:%A} {gone.date.day} {gone.date:%B} is a working day again, by your hours."
                )
            return redirect(reverse("bookings:availability") + "#days-off")
        form = DayOffForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                days_off_add(
                    therapist=staff,
                    first=data["date"],
                    last=data["last"],
                    note=data["note"],
                    today=timezone.localdate(),
                )
            except AvailabilityError as problem:
                form.add_error("last" if "last day" in problem.message else "date", problem.message)
            else:
                last = data["last"] or data["date"]
                days = {data["date"] + timedelta(days=n) for n in range((last - data["date"]).days + 1)}
                said = "Day off added." if len(days) == 1 else f"{len(days)} days off added."
                said += " Clients cannot book those days from now on."
                booked = _booked_on(staff, days)
                if booked:
                    said += (
                        f" {booked} appointment{'s are' if booked != 1 else ' is'} already booked then and "
                        "kept: please move or cancel from your calendar if you need to."
                    )
                messages.success(request, said)
                return redirect(reverse("bookings:availability") + "#days-off")
        return _page(request, staff, day_off_form=form, status=400)
    return render(request, "bookings/staff/day_off.html", {"form": DayOffForm()})


@owner_required
def practice_rules(request):
    rules = BookingSettings.for_practice(request.staff.practice)
    form = BookingSettingsForm(request.POST if request.method == "POST" else None, instance=rules)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Booking settings saved.")
        return redirect("bookings:practice_rules")
    return render(request, "bookings/staff/practice_rules.html", {"form": form}, status=400 if form.errors else 200)

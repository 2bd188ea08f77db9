"""What makes a time free: a therapist's availability (working hours, days off, booking rules) and the
owner's booking rules for the practice."""

from django.contrib import messages
from django.forms import modelformset_factory
from django.shortcuts import redirect, render
from django.utils import timezone

from bookings.forms import AvailabilityForm, BookingSettingsForm, DayOffForm, WorkingHoursForm
from bookings.models import Availability, BookingSettings, DayOff, WorkingHours
from practice.access import owner_required, therapist_required

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


@owner_required
def practice_rules(request):
    rules = BookingSettings.for_practice(request.staff.practice)
    form = BookingSettingsForm(request.POST if request.method == "POST" else None, instance=rules)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Booking settings saved.")
        return redirect("bookings:practice_rules")
    return render(request, "bookings/staff/practice_rules.html", {"form": form}, status=400 if form.errors else 200)

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from practice.access import client_required
from selfcare.access import get_activity_for_client
from selfcare.forms import ActivityForm, ReminderForm
from selfcare.models import AREA_HINTS, Activity, Area, Reminder
from selfcare.services import (
    activity_add,
    activity_archive,
    activity_update,
    reminder_for,
    reminder_stop,
    reminder_update,
    tick_record,
    tick_undo,
)


def _areas(activities):
    by_area = {area: [] for area in Area}
    for activity in activities:
        by_area[Area(activity.area)].append(activity)
    return [
        {"value": area.value, "label": area.label, "hint": AREA_HINTS[area], "activities": items}
        for area, items in by_area.items()
    ]


@client_required
def plan(request):
    form = ActivityForm(request.POST or None, initial={"area": request.GET.get("area") or Area.BODY})
    if request.method == "POST" and form.is_valid():
        activity_add(client=request.client, **form.cleaned_data)
        messages.success(request, "Added to your plan.")
        return redirect("selfcare:plan")
    activities = list(Activity.objects.for_client(request.client).with_last_done())
    reminder = Reminder.objects.filter(client=request.client).first()
    return render(
        request,
        "selfcare/plan.html",
        {"areas": _areas(activities), "form": form, "reminder": reminder, "today": timezone.localdate()},
    )


@client_required
def edit(request, activity_uuid):
    activity = get_activity_for_client(request.client, activity_uuid)
    form = ActivityForm(request.POST or None, instance=activity)
    if request.method == "POST" and form.is_valid():
        activity_update(activity=activity, **form.cleaned_data)
        messages.success(request, "Saved.")
        return redirect("selfcare:plan")
    return render(request, "selfcare/edit.html", {"form": form, "activity": activity})


@client_required
@require_POST
def archive(request, activity_uuid):
    activity = get_activity_for_client(request.client, activity_uuid)
    activity_archive(activity=activity)
    messages.success(request, f"“{activity.text}” is no longer in your plan.")
    return redirect("selfcare:plan")


def _activity_response(request, activity, note):
    if request.htmx:
        activity = get_activity_for_client(request.client, activity.uuid)
        return render(
            request,
            "selfcare/plan.html#activity",
            {"activity": activity, "note": note, "today": timezone.localdate()},
        )
    messages.success(request, note)
    return redirect("selfcare:plan")


@client_required
@require_POST
def tick(request, activity_uuid):
    activity = get_activity_for_client(request.client, activity_uuid)
    tick_record(activity=activity)
    return _activity_response(request, activity, f"Noted: you made time for “{activity.text}”.")


@client_required
@require_POST
def untick(request, activity_uuid):
    activity = get_activity_for_client(request.client, activity_uuid)
    undone = tick_undo(activity=activity)
    return _activity_response(request, activity, "Taken back." if undone else "There was nothing recent to take back.")


@client_required
def reminders(request):
    reminder = reminder_for(request.client)
    form = ReminderForm(request.POST or None, instance=reminder)
    if request.method == "POST" and form.is_valid():
        reminder = reminder_update(client=request.client, **form.cleaned_data)
        messages.success(
            request,
            "Reminders are on. Each email has a link that stops them in one click."
            if reminder.is_on
            else "Reminders are off.",
        )
        return redirect("selfcare:plan")
    return render(request, "selfcare/reminders.html", {"form": form, "practice": request.client.practice})


# A link in an email that stops reminders without signing in (and RFC 8058 one-click POSTs,
# which mail apps send without a CSRF token). The token is the only key; stopping is always safe.
@csrf_exempt  # nosemgrep: tending-no-csrf-exempt
def reminder_stop_view(request, token):
    if request.method not in ("GET", "POST"):
        return redirect("core:home")
    reminder = reminder_stop(token=token)
    return render(request, "selfcare/stopped.html", {"found": reminder is not None}, status=200 if reminder else 404)

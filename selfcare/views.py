from django.contrib import messages
from django.middleware.csrf import CsrfViewMiddleware
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
            "Reminders are on. Each email has a link that stops them, with no sign-in needed."
            if reminder.is_on
            else "Reminders are off.",
        )
        return redirect("selfcare:plan")
    return render(request, "selfcare/reminders.html", {"form": form, "practice": request.client.practice})


def _csrf_refusal(request):
    """Django's usual CSRF check, for a POST that is not a mail app's one-click (None when it passes)."""
    return CsrfViewMiddleware(lambda _request: None).process_view(request, None, (), {})


# The stop link in a reminder email works without signing in: the token is the only key, and it
# can only ever turn reminders off. Opening it (GET) changes nothing, because mail scanners and
# link previews open links by themselves; it shows a page whose button POSTs. Mail apps that
# offer "Unsubscribe" (RFC 8058, the List-Unsubscribe-Post header we send) POST the body
# "List-Unsubscribe=One-Click" from their own servers, where no CSRF cookie or token can exist,
# so the view is exempt from Django's CSRF middleware for that one body only: every other POST
# (our confirm page's button) is checked as usual by ``_csrf_refusal``.
@csrf_exempt  # nosemgrep: tending-no-csrf-exempt
def reminder_stop_view(request, token):
    if request.method not in ("GET", "POST"):
        return redirect("practice:home")
    if request.method == "POST":
        one_click = request.POST.get("List-Unsubscribe") == "One-Click"
        refusal = None if one_click else _csrf_refusal(request)
        if refusal is not None:
            return refusal
        reminder = reminder_stop(token=token)
        return render(
            request, "selfcare/stopped.html", {"found": reminder is not None}, status=200 if reminder else 404
        )
    found = Reminder.objects.filter(stop_token=token).only("is_on").first()
    if found is None:
        return render(request, "selfcare/stopped.html", {"found": False}, status=404)
    return render(request, "selfcare/stop_confirm.html", {"token": token, "is_on": found.is_on})

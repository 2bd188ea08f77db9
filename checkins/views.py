from django.contrib import messages
from django.shortcuts import redirect, render

from checkins.access import todays_checkin_for_client
from checkins.forms import CheckInForm
from checkins.services import checkin_record, checkin_update
from crisis.contacts import contacts_for
from practice.access import client_required
from risk.detection import Findings, safe_detect


def _note_findings(note: str | None) -> Findings:
    """Only the crisis contacts are offered on this page (the journal also suggests a kinder moment)."""
    found = safe_detect(note) if note else Findings()
    return Findings(risk=found.risk, failed=found.failed)


@client_required
def today(request):
    """Today's check-in: a new one, or today's latest to change. ``?another=1`` adds one more today."""
    another = request.GET.get("another") == "1"
    existing = None if another else todays_checkin_for_client(request.client)
    if request.method == "POST":
        form = CheckInForm(request.POST)
        if form.is_valid():
            if existing is not None:
                checkin_update(checkin=existing, data=form.cleaned_data, request=request)
                messages.success(request, "Thank you. Today's check-in is updated.")
            else:
                checkin_record(client=request.client, data=form.cleaned_data, request=request)
                messages.success(request, "Thank you for checking in.")
            if _note_findings(form.cleaned_data["note"]).show_contacts:
                # Back to today's check-in, where the contacts are shown beside the note.
                return redirect("checkins:today")
            return redirect("practice:client_home")
    else:
        form = CheckInForm(initial=CheckInForm.initial_from(existing) if existing else None)
    return render(
        request,
        "checkins/today.html",
        {
            "form": form,
            "existing": existing,
            "another": another,
            "findings": _note_findings(existing.note if existing and request.method == "GET" else None),
            "country": contacts_for(request.client.practice.country),
            "not_watched": "Your check-ins are",
        },
    )

from django.contrib import messages
from django.shortcuts import redirect, render

from checkins.access import todays_checkin_for_client
from checkins.forms import CheckInForm
from checkins.services import checkin_record, checkin_update
from practice.access import client_required


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
            return redirect("practice:client_home")
    else:
        form = CheckInForm(initial=CheckInForm.initial_from(existing) if existing else None)
    return render(request, "checkins/today.html", {"form": form, "existing": existing, "another": another})

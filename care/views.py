from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from care.access import get_away_period_for_staff
from care.forms import AwayForm, HandoverForm
from care.models import Handover
from care.services import (
    CareError,
    away_period_end,
    away_period_save,
    client_hand_over,
    clients_in_care,
    staff_deactivate,
    staff_reactivate,
)
from practice.access import (
    get_client_for_owner,
    get_staff_for_owner,
    owner_required,
    staff_required,
    therapist_required,
)


def _away_page(request, *, staff, template, extra=None):
    """List ``staff``'s time away and take a new one (for themselves, or by an owner for them)."""
    form = AwayForm(request.POST or None, staff=staff, by=request.staff)
    if request.method == "POST" and form.is_valid():
        try:
            away_period_save(staff=staff, by=request.staff, request=request, **form.cleaned_data)
        except CareError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, "Your time away is saved." if staff == request.staff else "Time away saved.")
            return redirect(request.path)
    periods = staff.away_periods.current_or_coming(staff.today()).select_related("cover__user")
    return render(
        request,
        template,
        {"form": form, "periods": periods, "member": staff, **(extra or {})},
        status=400 if form.errors else 200,
    )


@therapist_required
def away(request):
    return _away_page(request, staff=request.staff, template="care/away.html")


@staff_required
def away_edit(request, period_uuid):
    period = get_away_period_for_staff(request.user, period_uuid)
    initial = {
        "starts_on": period.starts_on,
        "ends_on": period.ends_on,
        "cover": period.cover,
        "message": period.message,
    }
    form = AwayForm(request.POST or None, staff=period.staff, by=request.staff, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            away_period_save(staff=period.staff, by=request.staff, period=period, request=request, **form.cleaned_data)
        except CareError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, "The dates are changed.")
            return redirect(_away_home(request, period.staff))
    return render(request, "care/away_edit.html", {"form": form, "period": period}, status=400 if form.errors else 200)


@staff_required
@require_POST
def away_end(request, period_uuid):
    period = get_away_period_for_staff(request.user, period_uuid)
    staff = period.staff
    away_period_end(period=period, by=request.staff, request=request)
    messages.success(request, "Welcome back." if staff == request.staff else f"{staff.display_name} is back.")
    return redirect(_away_home(request, staff))


def _away_home(request, staff) -> str:
    if staff == request.staff:
        return reverse("care:away")
    return reverse("care:staff", kwargs={"staff_uuid": staff.uuid})


@owner_required
def staff_page(request, staff_uuid):
    """An owner's page for one member of staff: time away, and leaving or coming back."""
    member = get_staff_for_owner(request.user, staff_uuid)
    return _away_page(
        request,
        staff=member,
        template="care/staff.html",
        extra={"in_care": list(clients_in_care(member).order_by("user__name")) if member.is_active else []},
    )


@owner_required
def deactivate(request, staff_uuid):
    member = get_staff_for_owner(request.user, staff_uuid)
    error = ""
    if request.method == "POST":
        try:
            staff_deactivate(staff=member, by=request.staff, request=request)
        except CareError as refused:
            error = refused.message
        else:
            messages.success(request, f"{member.display_name} is no longer active and has been signed out.")
            return redirect("care:staff", staff_uuid=member.uuid)
    in_care = list(clients_in_care(member).order_by("user__name"))
    return render(
        request,
        "care/deactivate.html",
        {"member": member, "in_care": in_care, "error": error},
        status=409 if error else 200,
    )


@owner_required
@require_POST
def reactivate(request, staff_uuid):
    member = get_staff_for_owner(request.user, staff_uuid)
    staff_reactivate(staff=member, by=request.staff, request=request)
    messages.success(request, f"{member.display_name} is active again and can sign in.")
    return redirect("care:staff", staff_uuid=member.uuid)


@owner_required
def handover(request, client_uuid):
    client = get_client_for_owner(request.user, client_uuid)
    form = HandoverForm(request.POST or None, client=client)
    if request.method == "POST" and form.is_valid():
        try:
            done = client_hand_over(
                client=client,
                to_therapist=form.cleaned_data["to_therapist"],
                notes_go=form.cleaned_data["notes"] == "go",
                messages_go=form.cleaned_data["messages"] == "go",
                future=form.cleaned_data["future"],
                reason=form.cleaned_data["reason"],
                by=request.staff,
                request=request,
            )
        except CareError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request,
                f"{client.display_name} is now in {done.to_therapist.display_name}'s care. We've let them both know.",
            )
            return redirect("practice:owner_home")
    history = Handover.objects.filter(client=client).select_related("from_therapist__user", "to_therapist__user")
    return render(
        request,
        "care/handover.html",
        {"form": form, "client": client, "history": history[:10]},
        status=400 if form.errors else 200,
    )

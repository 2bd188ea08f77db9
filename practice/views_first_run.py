"""A practice's first steps: the first-run page, the owner's welcome link, confirming the crisis contacts."""

from django.contrib import messages
from django.contrib.auth import get_user_model, login
from django.http import Http404
from django.shortcuts import redirect, render

from crisis.contacts import contacts_for
from practice.access import owner_required
from practice.first_run import FirstRunForm, OwnerWelcomeForm, log_setup_code, no_practice_yet
from practice.models import StaffMember
from practice.starting import (
    NotTheFirst,
    crisis_contacts_confirm,
    owner_welcome_accept,
    owner_welcome_tokens,
    practice_start,
)


def first_run(request):
    """Start the server's first practice with the code from the log. Gone (404) once any practice exists."""
    if not no_practice_yet():
        raise Http404
    form = FirstRunForm(request.POST or None, request=request)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            owner = practice_start(
                name=data["name"],
                country=data["country"],
                time_zone=data["time_zone"],
                owner_email=data["owner_email"],
                owner_name=data["owner_name"],
                owner_is_therapist=data["owner_is_therapist"],
                slug=data["slug"],
                request=request,
                how="first-run page",
                first=True,
            )
        except NotTheFirst:  # someone else started the practice a moment ago
            raise Http404 from None
        return render(request, "practice/first_run/started.html", {"practice": owner.practice, "owner": owner})
    log_setup_code()
    return render(request, "practice/first_run/start.html", {"form": form})


def owner_welcome(request, user_uuid, token):
    """The owner's link from the start-up email: choose a password, and go in."""
    user = get_user_model().objects.filter(uuid=user_uuid, is_active=True).first()
    staff = StaffMember.objects.select_related("practice").filter(user=user, is_owner=True).first() if user else None
    if staff is None or not owner_welcome_tokens.check_token(user, token):
        return render(request, "practice/first_run/welcome_unusable.html", status=410)
    form = OwnerWelcomeForm(request.POST or None, user=user, initial={"name": user.name})
    if request.method == "POST" and form.is_valid():
        owner_welcome_accept(
            user=user, name=form.cleaned_data["name"], password=form.cleaned_data["password1"], request=request
        )
        login(request, user, backend="accounts.backends.ModelBackend")
        messages.success(request, f"Welcome to {staff.practice.name}. Your account is ready.")
        return redirect("practice:owner_home")
    return render(request, "practice/first_run/welcome.html", {"form": form, "practice": staff.practice, "user": user})


@owner_required
def crisis_confirm(request):
    """Show the owner the crisis contacts their clients see, and let them say these are right."""
    practice = request.staff.practice
    if request.method == "POST":
        crisis_contacts_confirm(practice=practice, actor=request.user, request=request)
        messages.success(request, "Thank you: the crisis contacts are confirmed. Clients see the date you did.")
        return redirect("practice:owner_home")
    return render(
        request,
        "practice/first_run/crisis_confirm.html",
        {"practice": practice, "country": contacts_for(practice.country)},
    )

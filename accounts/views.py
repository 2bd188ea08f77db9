from allauth.mfa.adapter import get_adapter as get_mfa_adapter
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from accounts import services
from accounts.access import get_invitation_for_staff
from accounts.forms import AcceptInvitationForm, InviteForm, PronounsForm
from accounts.models import Invitation
from accounts.services import InvitationError, invitation_accept, invitation_create, invitation_for_token
from practice.access import owner_required, staff_required, therapist_required


@never_cache
@sensitive_post_parameters("password1", "password2")
def invitation(request, token):
    try:
        invite = invitation_for_token(token)
    except InvitationError as error:
        return render(request, "accounts/invitation_unusable.html", {"message": error.message}, status=410)
    form = AcceptInvitationForm(request.POST or None, email=invite.email, initial={"name": invite.name})
    if request.method == "POST" and form.is_valid():
        try:
            user = invitation_accept(
                token=token, name=form.cleaned_data["name"], password=form.cleaned_data["password1"]
            )
        except InvitationError as error:
            return render(request, "accounts/invitation_unusable.html", {"message": error.message}, status=410)
        login(request, user, backend="accounts.backends.ModelBackend")
        messages.success(request, f"Welcome to {invite.practice.name}. Your account is ready.")
        return redirect("practice:home")
    return render(request, "accounts/invitation.html", {"form": form, "invitation": invite})


@login_required
def settings_page(request):
    """Where anyone signed in changes their password, sets up two-factor sign-in and chooses their pronouns."""
    form = PronounsForm(request.POST or None, initial={"pronouns": request.user.pronouns})
    if request.method == "POST" and form.is_valid():
        services.user_pronouns_set(user=request.user, pronouns=form.cleaned_data["pronouns"], request=request)
        messages.success(request, "Saved. We'll refer to you that way from now on.")
        return redirect("accounts:settings")
    context = {"form": form, "mfa_enabled": get_mfa_adapter().is_mfa_enabled(request.user)}
    return render(request, "accounts/settings.html", context)


# --- Inviting (a therapist invites a client, an owner a therapist or an administrator) ---


def _invite(request, *, role, therapist, done_url):
    form = InviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        invitation_create(
            invited_by=request.staff,
            email=form.cleaned_data["email"],
            name=form.cleaned_data["name"],
            role=role,
            therapist=therapist,
            request=request,
        )
        messages.success(request, f"We've emailed an invitation to {form.cleaned_data['email']}.")
        return redirect(done_url)
    return render(request, "accounts/invite.html", {"form": form, "who": Invitation.Role(role).label.lower()})


@therapist_required
def invite_client(request):
    return _invite(request, role=Invitation.Role.CLIENT, therapist=request.staff, done_url="caseload:home")


@owner_required
def invite_therapist(request):
    return _invite(request, role=Invitation.Role.THERAPIST, therapist=None, done_url="practice:owner_home")


@owner_required
def invite_administrator(request):
    """Only an owner brings someone into the office: an administrator sees every client's name and money."""
    return _invite(request, role=Invitation.Role.ADMINISTRATOR, therapist=None, done_url="practice:owner_home")


# --- Invitations waiting (staff) ----------------------------------------------


def _next_url(request) -> str:
    """Where to go back to: the page the button was on, if it is one of ours, else the list."""
    url = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return url
    return reverse("accounts:invitations")


@staff_required
def invitations(request):
    waiting = Invitation.objects.waiting_for(request.staff)
    return render(request, "accounts/invitations.html", {"invitations": waiting})


@staff_required
@require_POST
def invitation_resend(request, invitation_uuid):
    invitation = get_invitation_for_staff(request.user, invitation_uuid)
    try:
        services.invitation_resend(invitation=invitation, by=request.staff, request=request)
    except InvitationError as error:
        messages.info(request, error.message)
    else:
        messages.success(
            request, f"We've emailed a fresh invitation to {invitation.email}. The earlier link no longer works."
        )
    return redirect(_next_url(request))


@staff_required
def invitation_cancel(request, invitation_uuid):
    """A small page that asks first, so nobody withdraws an invitation by a slip of the finger."""
    invitation = get_invitation_for_staff(request.user, invitation_uuid)
    if request.method == "POST":
        try:
            services.invitation_cancel(invitation=invitation, by=request.staff, request=request)
        except InvitationError as error:
            messages.info(request, error.message)
        else:
            messages.success(
                request, f"The invitation to {invitation.email} is cancelled, and its link no longer works."
            )
        return redirect(_next_url(request))
    if invitation.cancelled_at is not None:
        messages.info(request, f"The invitation to {invitation.email} is already cancelled.")
        return redirect(_next_url(request))
    return render(
        request, "accounts/invitation_cancel.html", {"invitation": invitation, "next_url": _next_url(request)}
    )

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters

from accounts.forms import AcceptInvitationForm
from accounts.services import InvitationError, invitation_accept, invitation_for_token


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
        return redirect("core:home")
    return render(request, "accounts/invitation.html", {"form": form, "invitation": invite})


@login_required
def settings_page(request):
    """Where anyone signed in changes their password and sets up two-factor sign-in."""
    from allauth.mfa.adapter import get_adapter as get_mfa_adapter

    return render(request, "accounts/settings.html", {"mfa_enabled": get_mfa_adapter().is_mfa_enabled(request.user)})

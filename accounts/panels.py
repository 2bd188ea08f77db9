"""The invitations waiting, on the owner's practice page (below its people)."""

from django.template.loader import render_to_string

from accounts.models import Invitation


def invitations_waiting(request, staff) -> str:
    invitations = Invitation.objects.waiting_for(staff)
    return render_to_string("accounts/panel_owner_invitations.html", {"invitations": invitations}, request=request)


OWNER_PEOPLE = [invitations_waiting]

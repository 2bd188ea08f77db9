"""The invitations waiting, on the owner's practice page (below its people)."""

from datetime import datetime

from django.template.loader import render_to_string
from django.utils import timezone

from accounts.models import RECENTLY_EXPIRED, Invitation
from core.compiled import CompiledRead

# The owner's list (``waiting_for`` an owner: every invitation of the practice), a kept read (core/compiled.py).
_WAITING = CompiledRead(
    Invitation,
    lambda shape, *, practice, expired_after: Invitation.objects.waiting(expired_after=expired_after)
    .filter(practice=practice)
    .with_people()
    .order_by("-created_at"),
    {"practice": int, "expired_after": datetime},
)


def invitations_waiting(request, staff) -> str:
    if staff.is_owner:
        since = timezone.now() - RECENTLY_EXPIRED
        invitations = _WAITING.objects(practice=staff.practice_id, expired_after=since)
    else:
        invitations = Invitation.objects.waiting_for(staff)
    return render_to_string("accounts/panel_owner_invitations.html", {"invitations": invitations}, request=request)


OWNER_PEOPLE = [invitations_waiting]

"""The invitations waiting, on the owner's practice page (below its people)."""

from datetime import datetime

from django.template.loader import render_to_string
from django.utils import timezone

from accounts.models import RECENTLY_EXPIRED, Invitation
from core.compiled import CompiledRead
from core.panels import reading, shared

# ``waiting_for`` an owner (every invitation of the practice: ``managed_by``), as a kept read (core/compiled.py).
_WAITING = CompiledRead(
    Invitation,
    lambda shape, *, practice, expired_after: Invitation.objects.waiting(expired_after=expired_after)
    .filter(practice=practice)
    .listed(),
    {"practice": int, "expired_after": datetime},
)


def _waiting_asked(request, owner):
    """The read of the invitations waiting, asked from one moment however often the request names it."""
    return shared(
        request,
        ("accounts.invitations", owner.pk),
        lambda: _WAITING.asked(practice=owner.practice_id, expired_after=timezone.now() - RECENTLY_EXPIRED),
    )


@reading(lambda request, owner: [_waiting_asked(request, owner)])
def invitations_waiting(request, owner) -> str:
    """Below the people on the owner's page (OWNER_PEOPLE panels are given the owner, ``practice.views.owner_home``)."""
    invitations = _waiting_asked(request, owner).objects()
    return render_to_string("accounts/panel_owner_invitations.html", {"invitations": invitations}, request=request)


OWNER_PEOPLE = [invitations_waiting]

"""Who may manage which invitation. Return the object or raise ``Http404`` (see ``practice/access.py``)."""

from django.db.models import Q
from django.http import Http404

from accounts.models import Invitation
from practice.access import staff_for


def get_invitation_for_staff(user, invitation_uuid) -> Invitation:
    """An invitation of ``user``'s practice that they may resend or cancel (``InvitationQuerySet.managed_by``),
    not yet accepted: still open (pending or expired), or already cancelled so that cancelling
    twice, from a double click or a second tab, is harmless. One replaced by a newer invitation is not
    found: the newer one is the one to manage."""
    staff = staff_for(user)
    if staff is None:
        raise Http404
    try:
        return (
            Invitation.objects.managed_by(staff)
            .with_people()
            .filter(Q(revoked_at__isnull=True) | Q(cancelled_at__isnull=False), accepted_at__isnull=True)
            .get(uuid=invitation_uuid)
        )
    except (Invitation.DoesNotExist, ValueError):
        raise Http404 from None

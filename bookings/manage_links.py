"""Signed manage links: how a visitor without an account moves or cancels their free consultation.

A link carries the consultation's random ``manage_token`` signed with ``SECRET_KEY`` (salt
``bookings.manage``) and a timestamp; a tampered or bare token opens nothing (the views answer 404).
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils import timezone

from bookings.models import Appointment, Consultation

MANAGE_SALT = "bookings.manage"

# A manage link works until this long after its consultation ends (the visitor may look back at
# the time or the video link that day), and never longer than MANAGE_MAX_AGE after it was sent: a
# consultation moved again and again gets a fresh link in each "changed" email.
MANAGE_GRACE = timedelta(days=1)
MANAGE_MAX_AGE = timedelta(days=366)


class ManageLinkEnded(Exception):
    """A genuine manage link whose time is over; ``practice`` is whom the visitor can contact instead."""

    def __init__(self, practice):
        super().__init__("manage link ended")
        self.practice = practice


def manage_signature(consultation: Consultation) -> str:
    """``token:timestamp:signature``: the timestamp bounds the link's age whatever happens to the booking."""
    return signing.TimestampSigner(salt=MANAGE_SALT).sign(consultation.manage_token)


def _manage_token(signed: str) -> tuple[str | None, bool]:
    """The consultation token a link carries (None if it is not ours), and whether it is too old."""
    # Tokens are token_urlsafe (no ":"), so the number of parts tells the two formats apart. Links
    # sent before timestamps ("token:signature") are still honoured, until their consultation ends.
    if signed.count(":") == 1:
        try:
            return signing.Signer(salt=MANAGE_SALT).unsign(signed), False
        except signing.BadSignature:
            return None, False
    signer = signing.TimestampSigner(salt=MANAGE_SALT)
    try:
        return signer.unsign(signed, max_age=MANAGE_MAX_AGE), False
    except signing.SignatureExpired:
        return signer.unsign(signed), True
    except (signing.BadSignature, ValueError):
        return None, False


def manage_link_open(signed: str, *, now: datetime | None = None) -> tuple[Consultation, Appointment] | None:
    """The consultation and its appointment a manage link opens, or None if the link is not ours.

    Raises ``ManageLinkEnded`` for a genuine link whose time is over: a day after its appointment
    ends, or a year after it was sent.
    """
    token, too_old = _manage_token(signed)
    if not token:
        return None
    consultation = Consultation.objects.select_related("practice").filter(manage_token=token).first()
    if consultation is None:
        return None
    appointment = (
        consultation.appointments.select_related("therapist__user", "practice", "consultation")
        .order_by("-created_at")
        .first()
    )
    if appointment is None:
        return None
    if too_old or (now or timezone.now()) > appointment.end + MANAGE_GRACE:
        raise ManageLinkEnded(consultation.practice)
    return consultation, appointment


def manage_url(consultation: Consultation) -> str:
    return settings.SITE_URL + reverse("bookings:manage", kwargs={"signed": manage_signature(consultation)})

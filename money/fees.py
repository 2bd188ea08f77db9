"""Which fee applies to a session: the client's agreed fee, else the most specific practice fee in force that day."""

from datetime import date

from django.db.models import Q

from bookings.models import Appointment
from money.models import AgreedFee, Fee


def practice_fee(*, therapist, on: date, minutes: int | None, mode: str) -> Fee | None:
    """The most specific fee for ``therapist``'s ``minutes``-long ``mode`` session on ``on``; the newest of equals."""
    candidates = Fee.objects.filter(
        Q(therapist=therapist) | Q(therapist__isnull=True),
        Q(minutes=minutes) | Q(minutes__isnull=True),
        Q(mode=mode) | Q(mode=""),
        practice_id=therapist.practice_id,
        valid_from__lte=on,
    )
    return max(candidates, key=lambda fee: (fee.specificity, fee.valid_from, fee.created_at), default=None)


def agreed_fee(*, client, on: date) -> AgreedFee | None:
    """The client's agreed fee that applies on ``on``: the newest agreed on or before it and not ended."""
    for fee in AgreedFee.objects.for_client(client).filter(agreed_on__lte=on).order_by("-agreed_on", "-created_at"):
        return fee if fee.applies_on(on) else None
    return None


def fee_for(appointment: Appointment, *, on: date) -> int | None:
    """What ``appointment`` (a session) costs the client, in minor units; None when no fee is set."""
    found = agreed_fee(client=appointment.client, on=on)
    if found is not None:
        return found.amount
    minutes = int(appointment.duration.total_seconds() // 60)
    fee = practice_fee(therapist=appointment.therapist, on=on, minutes=minutes, mode=appointment.mode)
    return fee.amount if fee is not None else None

"""What bookings announces to apps it may not import (docs/architecture.md)."""

from django.dispatch import Signal

# An active appointment was cancelled, inside the cancelling transaction.
# Sent with ``appointment`` and ``by`` ("client", "visitor", "therapist" or "care_ended").
# money charges a late cancellation by the client (money/receivers.py).
appointment_cancelled = Signal()

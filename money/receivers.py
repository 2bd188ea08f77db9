"""What money does when an app it may not be imported by announces something (connected in apps.py)."""

from money.services import late_cancellation_charge


def appointment_cancelled(sender, *, appointment, by, **kwargs):
    """A client who cancels a session at short notice may owe the practice's late-cancellation fee."""
    if by == "client":
        late_cancellation_charge(appointment=appointment)

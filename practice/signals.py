"""What the practice announces to the apps above it, which it may not import."""

from django.dispatch import Signal

# Sent with client=, status= and since= inside the transaction that changes a client's care
# (practice.care_status.care_status_change). bookings cancels the sessions after care ends.
care_status_changed = Signal()

"""What accounts announces to the apps above it, which it may not import."""

from django.dispatch import Signal

# Sent with client= inside the transaction that makes a new client's account from an accepted
# invitation (accounts.services.invitation_accept). bookings marks the free consultation converted.
client_joined = Signal()

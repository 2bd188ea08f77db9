"""What bookings does when an app it may not be imported by announces something (connected in apps.py)."""

from bookings.services_front_door import consultation_link_client
from bookings.services_sessions import sessions_cancel_from


def client_joined(sender, *, client, **kwargs):
    """A client who came through a free consultation: mark that request converted (kept past 90 days)."""
    consultation_link_client(client=client)


def care_status_changed(sender, *, client, status, since, **kwargs):
    """Ended care cancels the sessions booked from that day; paused keeps them (nothing is sent)."""
    if status == "ended":
        sessions_cancel_from(client=client, since=since)

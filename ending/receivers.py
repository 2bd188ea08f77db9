"""What the ending does when practice announces a change of care (imported in apps.py's ready()).

Care ended, from any page (the ending page's "End our work together", or the care form on the client's
page in bookings): the ending being prepared is marked ended with what the therapist keeps, or an ended
one is made, and the follow-ups the client chose are planned. All in the transaction of the change.
"""

from django.dispatch import receiver

from ending.services import ending_mark_ended
from practice.signals import care_status_changed


@receiver(care_status_changed, dispatch_uid="ending.care_status_changed")
def care_ended(sender, *, client, status, since, **kwargs):
    if status == "ended":
        ending_mark_ended(client=client, since=since)

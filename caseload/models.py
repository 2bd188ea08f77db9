from django.db import models
from django.utils import timezone

from practice.models import Client, StaffMember


class ClientFacts(models.Model):
    """What the caseload shows about one client, stored so that a view reads one row instead of seven sources.

    Refreshed (``caseload.facts``) when the client is marked changed (``practice.attention``), when it was
    computed for another therapist, or when ``valid_until`` has passed (the next appointment has begun, or
    an unread shared journal entry leaves the lookback). Open risk alerts are never stored here: the caseload
    reads them live, so no stale row can hide one.
    """

    client = models.OneToOneField(Client, primary_key=True, on_delete=models.CASCADE, related_name="attention_facts")
    # The journal's "not yet read" is this therapist's reading; another therapist's view recomputes.
    therapist = models.ForeignKey(StaffMember, null=True, on_delete=models.SET_NULL, related_name="+")
    # The care conversation: a client's message waiting for an answer or unread by the practice.
    message_waiting = models.BooleanField(default=False)
    message_risk = models.BooleanField(default=False)
    message_reply_by = models.DateTimeField(null=True)
    message_unread = models.BooleanField(default=False)
    deterioration = models.BooleanField(default=False)
    insights_waiting = models.PositiveIntegerField(default=0)
    journal_unread = models.PositiveIntegerField(default=0)
    measures_returned = models.PositiveIntegerField(default=0)
    last_session = models.DateTimeField(null=True)
    next_session = models.DateTimeField(null=True)
    last_contact = models.DateTimeField(null=True)
    next_contact = models.DateTimeField(null=True)
    # When these facts change with time alone; None: not until something changes.
    valid_until = models.DateTimeField(null=True, db_index=True)
    refreshed_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return f"facts of client {self.client_id} at {self.refreshed_at:%Y-%m-%d %H:%M}"

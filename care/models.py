"""Care changing hands: a client moving to another therapist, recorded with what went with them.

Away periods live with the staff member they belong to (``practice.models.AwayPeriod``), because the
risk path and bookings read them; this app holds the handover record and the writes that move care.
"""

from django.db import models
from django.utils import timezone

from core.crypto import EncryptedTextField
from core.mixins import UUIDModel
from practice.models import Client, StaffMember


class Handover(UUIDModel):
    """An owner moved ``client`` from one therapist to another. Chosen each time, kept for good."""

    class Future(models.TextChoices):
        MOVE = "move", "Keep their times, with the new therapist where they are free (the rest are cancelled)"
        CANCEL = "cancel", "Cancel them, so the client books with the new therapist"

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="handovers")
    from_therapist = models.ForeignKey(StaffMember, on_delete=models.PROTECT, related_name="handovers_from")
    to_therapist = models.ForeignKey(StaffMember, on_delete=models.PROTECT, related_name="handovers_to")
    # True: earlier session notes go with the client (read-only for the new therapist).
    # False: they stay with their author, and only the author can read them.
    notes_go = models.BooleanField()
    # True: the new therapist reads the client's earlier messages too. False: only those sent from now on.
    messages_go = models.BooleanField(default=False)
    future = models.CharField(max_length=10, choices=Future)
    # Why: may touch on the client's circumstances, so encrypted at rest.
    reason = EncryptedTextField(context="care.handover.reason")
    by = models.ForeignKey(StaffMember, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    sessions_moved = models.PositiveSmallIntegerField(default=0)
    sessions_cancelled = models.PositiveSmallIntegerField(default=0)
    alerts_moved = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["-at"]
        indexes = [models.Index(fields=["client", "at"])]

    def __str__(self):
        return f"Handover {self.uuid}"

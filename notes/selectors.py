"""Reading session notes beside the appointments they belong to."""

from django.db.models import F


def with_note_state(appointments):
    """The appointments (a QuerySet) with their note's ``note_uuid`` and ``note_signed_at``, both None when
    no note is started: a join in the same query, and never the note's words."""
    return appointments.annotate(note_uuid=F("note__uuid"), note_signed_at=F("note__signed_at"))

"""Reading session notes beside the appointments they belong to."""

from django.db.models import F


def with_note_state(appointments):
    """The appointments (a QuerySet) with their note's ``note_uuid`` and ``note_signed_at``, both None when
    no note is started: a join in the same query, and never the note's words."""
    return appointments.annotate(note_uuid=F("note__uuid"), note_signed_at=F("note__signed_at"))


def listed(notes):
    """The notes (a QuerySet) as the rows a list of them shows: each note's UUID, whether it is signed, its
    session's start and who wrote it. Plain values in one query: no note's words, and no model built per row
    (on years of weekly notes, building and joining six models a row was most of the list's time)."""
    return notes.values(
        "uuid",
        "signed_at",
        "author_id",
        start=F("appointment__start"),
        author_name=F("author__user__name"),
        author_email=F("author__user__email"),
    )

"""Reading session notes beside the appointments they belong to."""

from django.core.paginator import Page
from django.db.models import F

from core.compiled import CompiledRead, counted, kept_page
from notes.models import SessionNote


def with_note_state(appointments):
    """The appointments (a QuerySet) with their note's ``note_uuid`` and ``note_signed_at``, both None when
    no note is started: a join in the same query, and never the note's words."""
    return appointments.annotate(note_uuid=F("note__uuid"), note_signed_at=F("note__signed_at"))


# A client's notes as the rows their list shows: each note's UUID, whether it is signed, its session's start and who
# wrote it. Plain values in one query: no note's words, and no model built per row (on years of weekly notes, building
# and joining six models a row was most of the list's time). Newest first, a page at a time, as kept reads
# (core/compiled.py): building the page's query and its count was most of what the list cost on each view.
LISTED = ("uuid", "signed_at", "author_id", "start", "author_name", "author_email")


def _client_notes(shape, *, client, staff):
    """Shape ``(held, …)``: the notes ``staff`` keeps, or (not held: emergency access) every signed note."""
    notes = SessionNote.objects.for_client(client)
    return notes.held_by(staff) if shape[0] else notes.signed()


_PAGE = CompiledRead(
    SessionNote,
    lambda shape, *, client, staff: _client_notes(shape, client=client, staff=staff)
    .order_by("-appointment__start", "-id")
    .values_list("uuid", "signed_at", "author_id", "appointment__start", "author__user__name", "author__user__email")[
        shape[-2] : shape[-1]
    ],
    {"client": int, "staff": int},
)
_COUNT = CompiledRead(
    SessionNote,
    lambda shape, *, client, staff: counted(_client_notes(shape, client=client, staff=staff), "client"),
    {"client": int, "staff": int},
)


def listed_page(client, held_by, number, per_page: int) -> Page:
    """Page ``number`` of ``client``'s notes that ``held_by`` keeps (every signed note when None), each a dict of
    ``LISTED``."""
    shape, values = (held_by is not None,), {"client": client.pk, "staff": held_by.pk if held_by else 0}
    page = kept_page(_PAGE, _COUNT, number, per_page, shape, rows=True, **values)
    page.object_list = [dict(zip(LISTED, row, strict=True)) for row in page.object_list]
    return page

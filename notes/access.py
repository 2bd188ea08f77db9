"""Who may read a session note: whoever keeps it (its author, or the therapist who took the client
over when the handover sent the notes with them), or an owner of the practice with emergency access.

Nobody else, and never the client. Only the author writes, and only while they keep it. An erased
client's notes open for nobody (dataprivacy keeps them restricted until the retention date).
"""

from uuid import UUID

from django.core.exceptions import ValidationError
from django.http import Http404

from bookings.models import Appointment, Kind
from core.compiled import CompiledRead
from notes.models import NoteTemplate, SessionNote
from practice.access import clinical_access, get_rw_client_for_clinician, staff_for
from practice.models import Client, StaffMember


def get_appointment_for_note(user, appointment_uuid) -> Appointment:
    """A session of the signed-in therapist's, with a client, that a note may hang on."""
    staff = staff_for(user)
    if staff is None or not staff.is_therapist:
        raise Http404
    try:
        appointment = Appointment.objects.with_people().get(
            uuid=appointment_uuid, therapist=staff, client__therapist=staff, kind=Kind.SESSION
        )
    except (Appointment.DoesNotExist, ValidationError, ValueError):
        raise Http404 from None
    # Writing a note is writing the client's record: the one rule decides (an erased client: nobody).
    appointment.client = get_rw_client_for_clinician(user, appointment.client.uuid)
    return appointment


# A note with its session, client (and their erasure row) and author, read on every view of one: built by the ORM
# once (core/compiled.py). Within the reader's practice: the lookup names the tenant (docs/scale.md, sharding by
# practice).
_NOTE = CompiledRead(
    SessionNote,
    lambda shape, *, uuid, practice: SessionNote.objects.with_appointment()
    .select_related("client__erasure")
    .filter(uuid=uuid, client__practice_id=practice),
    {"uuid": UUID, "practice": int},
)


def _note(note_uuid, staff) -> SessionNote:
    try:
        note = _NOTE.first(uuid=note_uuid, practice=staff.practice_id)
    except ValueError:
        raise Http404 from None
    if note is None:
        raise Http404
    note.client.practice = staff.practice  # the reader's own, as the lookup says
    if note.client.is_erased:
        # An erased client's kept notes are restricted (dataprivacy): nobody opens them in the normal
        # path, their author included.
        raise Http404
    return note


def get_note_for_reader(user, note_uuid) -> tuple[SessionNote, bool]:
    """A note ``user`` may read, and whether they may change it (its author, while they still keep it).

    Its keeper reads it (the author, or whoever took the client over with their notes); an owner with
    emergency access reads it through the clinical record's rule, never to write.
    """
    staff = staff_for(user)
    if staff is None:
        raise Http404
    note = _note(note_uuid, staff)
    if note.holder_id == staff.id:
        return note, note.author_id == staff.id
    _client, own_therapist = clinical_access(user, note.client.uuid)
    if own_therapist:
        raise Http404  # their therapist now, but this note stayed with the colleague who keeps it
    return note, False


def get_rw_note_for_author(user, note_uuid) -> SessionNote:
    """A note its author may still change: one they wrote and keep, of a client not erased."""
    note, can_write = get_note_for_reader(user, note_uuid)
    if not can_write:
        raise Http404
    return note


def get_note_written_by(user, note_uuid) -> SessionNote:
    """A note the signed-in therapist wrote, whoever keeps it now (to tell them kindly it moved)."""
    staff = staff_for(user)
    if staff is None:
        raise Http404
    note = _note(note_uuid, staff)
    if note.author_id != staff.id:
        raise Http404
    return note


def get_notes_for_reader(user, client_uuid) -> tuple[Client, StaffMember | None, bool]:
    """A client, who keeps the notes of theirs the signed-in person may list, and whether they may open the client's
    record too (not so for a former client).

    The notes they keep (the member of staff returned), for a client in their care or a former client whose notes
    they kept at a handover; every signed note (None), for an owner with emergency access. Never an erased client's.
    """
    staff = staff_for(user)
    if staff is None:
        raise Http404
    try:
        client, own_therapist = clinical_access(user, client_uuid)
    except Http404:
        kept = SessionNote.objects.held_by(staff).filter(client__uuid=client_uuid, client__practice=staff.practice)
        client = Client.objects.with_people().filter(pk__in=kept.values("client_id")).first()
        if client is None or client.is_erased:
            raise Http404 from None
        return client, staff, False
    if own_therapist:
        return client, staff, True
    return client, None, True  # emergency access: every signed note, no drafts


def get_template_for_therapist(user, template_uuid) -> NoteTemplate:
    staff = staff_for(user)
    if staff is None:
        raise Http404
    try:
        return NoteTemplate.objects.get(uuid=template_uuid, therapist=staff)
    except (NoteTemplate.DoesNotExist, ValueError):
        raise Http404 from None

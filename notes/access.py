"""Who may read a session note: whoever keeps it (its author, or the therapist who took the client
over when the handover sent the notes with them), or an owner of the practice with emergency access.

Nobody else, and never the client. Only the author writes, and only while they keep it.
"""

from django.http import Http404

from bookings.models import Appointment, Kind
from notes.models import NoteTemplate, SessionNote
from practice.access import get_client_for_clinician, has_emergency_access, staff_for
from practice.models import Client


def get_appointment_for_note(user, appointment_uuid) -> Appointment:
    """A session of the signed-in therapist's, with a client, that a note may hang on."""
    staff = staff_for(user)
    if staff is None or not staff.is_therapist:
        raise Http404
    try:
        return Appointment.objects.with_people().get(
            uuid=appointment_uuid, therapist=staff, client__therapist=staff, kind=Kind.SESSION
        )
    except (Appointment.DoesNotExist, ValueError):
        raise Http404 from None


def _note(note_uuid) -> SessionNote:
    try:
        return SessionNote.objects.with_appointment().get(uuid=note_uuid)
    except (SessionNote.DoesNotExist, ValueError):
        raise Http404 from None


def get_note_for_reader(user, note_uuid) -> SessionNote:
    staff = staff_for(user)
    if staff is None:
        raise Http404
    note = _note(note_uuid)
    if note.holder_id == staff.id:
        return note
    if note.client.practice_id == staff.practice_id and has_emergency_access(staff, note.client):
        return note
    raise Http404


def get_note_for_author(user, note_uuid) -> SessionNote:
    """A note its author may still change: one they wrote and keep."""
    note = get_note_written_by(user, note_uuid)
    if note.holder_id != note.author_id:
        raise Http404
    return note


def get_note_written_by(user, note_uuid) -> SessionNote:
    """A note the signed-in therapist wrote, whoever keeps it now (to tell them kindly it moved)."""
    staff = staff_for(user)
    if staff is None:
        raise Http404
    note = _note(note_uuid)
    if note.author_id != staff.id:
        raise Http404
    return note


def get_client_for_notes(user, client_uuid) -> Client:
    """A client whose notes the signed-in person may list: a client in their care (or under emergency
    access), or a former client whose notes they wrote and kept at a handover."""
    try:
        return get_client_for_clinician(user, client_uuid)
    except Http404:
        staff = staff_for(user)
        if staff is None:
            raise
    kept = SessionNote.objects.held_by(staff).filter(client__uuid=client_uuid, client__practice=staff.practice)
    client = Client.objects.with_people().filter(pk__in=kept.values("client_id")).first()
    if client is None or client.is_erased:
        raise Http404
    return client


def get_template_for_therapist(user, template_uuid) -> NoteTemplate:
    staff = staff_for(user)
    if staff is None:
        raise Http404
    try:
        return NoteTemplate.objects.get(uuid=template_uuid, therapist=staff)
    except (NoteTemplate.DoesNotExist, ValueError):
        raise Http404 from None

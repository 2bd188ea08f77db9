"""Who may read a session note: its author, or an owner of the practice with emergency access.

Nobody else, and never the client. Only the author writes.
"""

from django.http import Http404

from bookings.models import Appointment, Kind
from notes.models import NoteTemplate, SessionNote
from practice.access import has_emergency_access, staff_for


def get_appointment_for_note(user, appointment_uuid) -> Appointment:
    """A session of the signed-in therapist's, with a client, that a note may hang on."""
    staff = staff_for(user)
    if staff is None or not staff.is_therapist:
        raise Http404
    try:
        return Appointment.objects.with_people().get(
            uuid=appointment_uuid, therapist=staff, kind=Kind.SESSION, client__isnull=False
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
    if note.author_id == staff.id:
        return note
    if note.client.practice_id == staff.practice_id and has_emergency_access(staff, note.client):
        return note
    raise Http404


def get_note_for_author(user, note_uuid) -> SessionNote:
    staff = staff_for(user)
    if staff is None:
        raise Http404
    note = _note(note_uuid)
    if note.author_id != staff.id:
        raise Http404
    return note


def get_template_for_therapist(user, template_uuid) -> NoteTemplate:
    staff = staff_for(user)
    if staff is None:
        raise Http404
    try:
        return NoteTemplate.objects.get(uuid=template_uuid, therapist=staff)
    except (NoteTemplate.DoesNotExist, ValueError):
        raise Http404 from None

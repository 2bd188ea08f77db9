"""Real concurrency: a client is handed over while their former therapist is saving a note.

Each round runs the handover and the save in their own threads with their own database
connections, released together. Whichever commits first, the note keeps every word and the
client ends in the new therapist's care, with the note where the handover sent it. Run on SQLite
(the default) and on PostgreSQL (DATABASE_URL=postgres://...).
"""

from datetime import UTC, datetime, timedelta

import pytest

from bookings.models import Appointment
from care.services import client_hand_over
from notes import services as notes
from notes.models import SessionNote
from practice.models import Client
from tending.testing.concurrency import race
from tending.testing.factories import ClientFactory, PracticeFactory, StaffFactory

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

ROUNDS = 8


@pytest.mark.parametrize("notes_go", [True, False])
def test_a_note_saved_during_a_handover_keeps_its_words_and_the_handover_holds(notes_go):
    practice = PracticeFactory()
    owner = StaffFactory(practice=practice, is_owner=True, is_therapist=False)
    ana, ben = StaffFactory(practice=practice), StaffFactory(practice=practice)
    for round_ in range(ROUNDS):
        client = ClientFactory(therapist=ana)
        start = datetime(2026, 1, 5, 9, tzinfo=UTC) - timedelta(days=round_)
        session = Appointment.objects.create(
            practice=practice,
            therapist=ana,
            client=client,
            kind="session",
            start=start,
            end=start + timedelta(minutes=50),
            blocked_until=start + timedelta(minutes=60),
            status="completed",
        )
        draft = notes.note_start(appointment=session, author=ana)
        words = f"Round {round_}: we noticed the critic, and a softer voice."

        def save(draft=draft, words=words):
            notes.note_save(note=draft, by=ana, text={"mind": words}, revision=draft.revision)

        def hand_over(client=client):
            client_hand_over(
                client=client, to_therapist=ben, notes_go=notes_go, future="move", reason="Ana leaves", by=owner
            )

        results, errors = race([save, hand_over])
        assert (len(results), errors) == (2, [])
        note = SessionNote.objects.get(pk=draft.pk)
        assert note.mind == words
        assert note.revision == 1
        assert Client.objects.get(pk=client.pk).therapist == ben
        assert note.holder == (ben if notes_go else ana)

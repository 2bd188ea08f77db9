"""Session notes under the one clinical access rule (practice.access.clinical_access)."""

from datetime import UTC, datetime, timedelta

from django.urls import reverse
from django.utils import timezone

from bookings.models import Appointment
from care.services import client_hand_over
from dataprivacy.services import erasure_complete, erasure_request
from notes import services
from notes.models import SessionNote
from tending.testing.personas import TendingTestCase


def session(w, client, *, days_ago):
    start = datetime.combine(timezone.localdate() - timedelta(days=days_ago), datetime.min.time(), tzinfo=UTC)
    start = start.replace(hour=10)
    return Appointment.objects.create(
        practice=w.practice,
        therapist=w.therapist,
        client=client,
        kind="session",
        start=start,
        end=start + timedelta(minutes=50),
        blocked_until=start + timedelta(minutes=60),
        status="completed",
    )


class KeptNotesOfAnErasedClientTests(TendingTestCase):
    """Ana wrote a note for Dev and kept it when Dev's care moved to Ben; then Dev's erasure is done."""

    def setUp(self):
        self.note = services.note_start(
            appointment=session(self.w, self.w.client_b, days_ago=9), author=self.w.therapist
        )
        services.note_save(note=self.note, by=self.w.therapist, text={"mind": "Worried about work"})
        services.note_sign(note=self.note, by=self.w.therapist)
        client_hand_over(
            client=self.w.client_b,
            to_therapist=self.w.colleague,
            notes_go=False,
            future="cancel",
            reason="Ben works evenings",
            by=self.w.owner,
        )
        self.ana = self.as_("therapist")
        self.list_url = reverse("notes:for_client", kwargs={"client_uuid": self.w.client_b.uuid})
        self.detail_url = reverse("notes:detail", kwargs={"note_uuid": self.note.uuid})

    def test_a_former_therapist_reads_the_notes_they_kept_until_the_client_is_erased(self):
        self.assertContains(self.ana.get(self.list_url), "Signed")
        self.assertContains(self.ana.get(self.detail_url), "Worried about work")
        erasure_complete(erasure=erasure_request(client=self.w.client_b), owner=self.w.owner)
        self.assertEqual(self.ana.get(self.list_url).status_code, 404)
        self.assertEqual(self.ana.get(self.detail_url).status_code, 404)
        amend = reverse("notes:amend", kwargs={"note_uuid": self.note.uuid})
        self.assertEqual(self.ana.post(amend, {"section": "mind", "text": "Later"}).status_code, 404)


class NoNewNoteForAnErasedClientTests(TendingTestCase):
    def test_the_therapist_cannot_start_a_note_on_an_erased_clients_session(self):
        appointment = session(self.w, self.w.client_a, days_ago=3)
        erasure_complete(erasure=erasure_request(client=self.w.client_a), owner=self.w.owner)
        url = reverse("notes:start", kwargs={"appointment_uuid": appointment.uuid})
        self.assertEqual(self.as_("therapist").post(url, {}).status_code, 404)
        self.assertFalse(SessionNote.objects.filter(appointment=appointment).exists())

from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from bookings.models import Appointment
from notes import services
from notes.models import Amendment, NoteTemplate, SessionNote
from notes.tests.routes import past_session
from notes.views import NOTES_PER_PAGE
from practice.models import EmergencyAccess
from tending.testing.personas import TendingTestCase

SECRET = "Spoke about her father's illness for the first time"


class SessionNoteTests(TendingTestCase):
    def setUp(self):
        self.appointment = past_session(self.w)
        self.ana = self.as_("therapist")

    def start_note(self):
        response = self.ana.post(reverse("notes:start", kwargs={"appointment_uuid": self.appointment.uuid}), {})
        note = SessionNote.objects.get(appointment=self.appointment)
        self.assertRedirects(response, reverse("notes:edit", kwargs={"note_uuid": note.uuid}))
        return note

    def edit_url(self, note):
        return reverse("notes:edit", kwargs={"note_uuid": note.uuid})

    def test_a_new_note_starts_from_the_therapists_default_template(self):
        note = self.start_note()
        self.assertTrue(note.mind.startswith("What was on their mind"))
        self.assertEqual(NoteTemplate.objects.filter(therapist=self.w.therapist, is_default=True).count(), 1)

    def test_a_therapist_adapts_a_template_and_new_notes_use_it(self):
        self.ana.get(reverse("notes:templates"))
        template = NoteTemplate.objects.get(therapist=self.w.therapist)
        response = self.ana.post(
            reverse("notes:template_edit", kwargs={"template_uuid": template.uuid}),
            {"name": "My way", "is_default": "on", "mind": "Opening check-in:", "risk": "Safety:"},
        )
        self.assertRedirects(response, reverse("notes:templates"))
        note = self.start_note()
        self.assertEqual((note.mind, note.risk, note.body), ("Opening check-in:", "Safety:", ""))

    def test_autosave_keeps_the_draft_on_the_server_and_answers_with_a_status(self):
        note = self.start_note()
        response = self.ana.post(
            self.edit_url(note),
            {"revision": note.revision, "mind": SECRET, "body": "Tight chest"},
            headers={"HX-Request": "true"},
        )
        self.assertContains(response, "Draft saved at")
        self.assertContains(response, 'hx-swap-oob="true"')
        self.assertNotContains(response, "<html")
        note.refresh_from_db()
        self.assertEqual((note.mind, note.body, note.revision), (SECRET, "Tight chest", 1))

    def test_an_autosave_from_an_older_window_never_overwrites_newer_text(self):
        note = self.start_note()
        self.ana.post(self.edit_url(note), {"revision": 0, "mind": "Newer"}, headers={"HX-Request": "true"})
        response = self.ana.post(self.edit_url(note), {"revision": 0, "mind": "Older"}, headers={"HX-Request": "true"})
        self.assertContains(response, "saved from another window")
        note.refresh_from_db()
        self.assertEqual(note.mind, "Newer")

    def test_the_database_holds_no_note_text(self):
        note = self.start_note()
        self.ana.post(self.edit_url(note), {"revision": 0, "mind": SECRET, "risk": "No thoughts of harm"})
        with connection.cursor() as cursor:
            cursor.execute("SELECT mind, risk FROM notes_sessionnote WHERE id = %s", [note.id])
            mind, risk = cursor.fetchone()
        self.assertTrue(mind.startswith("v2:"))
        self.assertNotIn("father", mind)
        self.assertNotIn("harm", risk)

    def test_signing_locks_the_note_and_an_amendment_keeps_the_original(self):
        note = self.start_note()
        response = self.ana.post(self.edit_url(note), {"revision": 0, "mind": SECRET, "action": "sign"})
        # "Sign and lock" saves, then asks for confirmation (test_sign_and_lock.py).
        sign = reverse("notes:sign", kwargs={"note_uuid": note.uuid})
        self.assertRedirects(response, sign)
        detail = reverse("notes:detail", kwargs={"note_uuid": note.uuid})
        self.assertRedirects(self.ana.post(sign, {"revision": 1}), detail)
        note.refresh_from_db()
        self.assertIsNotNone(note.signed_at)
        # A late save of the draft form changes nothing.
        response = self.ana.post(self.edit_url(note), {"revision": 1, "mind": "Rewritten"})
        self.assertRedirects(response, detail)
        with self.assertRaises(services.NoteLocked):
            services.note_save(note=note, by=self.w.therapist, text={"mind": "Rewritten"})
        note.refresh_from_db()
        self.assertEqual(note.mind, SECRET)
        # The amendment sits beside the signed text, dated.
        response = self.ana.post(
            reverse("notes:amend", kwargs={"note_uuid": note.uuid}),
            {"section": "mind", "text": "She later said it was her stepfather", "reason": "Remembered after"},
        )
        self.assertRedirects(response, detail)
        amendment = Amendment.objects.get(note=note)
        page = self.ana.get(detail)
        self.assertContains(page, SECRET.replace("'", "&#x27;"))
        self.assertContains(page, "She later said it was her stepfather")
        self.assertContains(page, f"Amended {timezone.localtime(amendment.created_at):%-d %b %Y}")
        self.assertTrue(AuditEvent.objects.filter(action="sign", object_id=str(note.uuid)).exists())

    def test_an_amendment_needs_text(self):
        note = self.start_note()
        services.note_sign(note=note, by=self.w.therapist)
        response = self.ana.post(
            reverse("notes:amend", kwargs={"note_uuid": note.uuid}), {"section": "mind", "text": ""}
        )
        self.assertContains(response, "This field is required.")
        self.assertFalse(Amendment.objects.exists())

    def test_every_read_is_audited(self):
        note = self.start_note()
        services.note_sign(note=note, by=self.w.therapist)
        before = AuditEvent.objects.filter(action="read", object_id=str(note.uuid)).count()
        self.ana.get(reverse("notes:detail", kwargs={"note_uuid": note.uuid}))
        self.assertEqual(AuditEvent.objects.filter(action="read", object_id=str(note.uuid)).count(), before + 1)

    def test_no_one_but_the_author_reads_a_note(self):
        note = self.start_note()
        services.note_sign(note=note, by=self.w.therapist)
        for persona in ("client_a", "client_b", "colleague", "outsider", "owner"):
            with self.subTest(persona=persona):
                response = self.as_(persona).get(reverse("notes:detail", kwargs={"note_uuid": note.uuid}))
                self.assertEqual(response.status_code, 404)

    def test_an_owner_with_emergency_access_reads_signed_notes_and_it_is_recorded(self):
        note = self.start_note()
        self.ana.post(self.edit_url(note), {"revision": 0, "mind": SECRET, "action": "sign"})
        self.ana.post(reverse("notes:sign", kwargs={"note_uuid": note.uuid}), {"revision": 1})
        EmergencyAccess.objects.create(
            owner=self.w.owner,
            client=self.w.client_a,
            reason="Risk alert while Ana is away",
            expires_at=timezone.now() + timedelta(hours=1),
        )
        owner = self.as_("owner")
        listing = owner.get(reverse("notes:for_client", kwargs={"client_uuid": self.w.client_a.uuid}))
        self.assertContains(listing, "Signed")
        response = owner.get(reverse("notes:detail", kwargs={"note_uuid": note.uuid}))
        self.assertContains(response, "through emergency access")
        event = AuditEvent.objects.filter(action="read", object_id=str(note.uuid)).latest("id")
        self.assertEqual(event.actor_id, self.w.owner.user.uuid)
        # Reading is all: the owner never writes or amends.
        self.assertEqual(owner.get(reverse("notes:amend", kwargs={"note_uuid": note.uuid})).status_code, 404)

    def test_years_of_notes_are_listed_newest_first_a_page_at_a_time(self):
        notes = [services.note_start(appointment=past_session(self.w), author=self.w.therapist) for _ in range(30)]
        newest_first = sorted(notes, key=lambda n: n.appointment.start, reverse=True)
        url = reverse("notes:for_client", kwargs={"client_uuid": self.w.client_a.uuid})
        first = self.ana.get(url)
        # The list's rows are plain values (notes.selectors.listed_page), each named by its note's UUID.
        self.assertEqual([n["uuid"] for n in first.context["notes"]], [n.uuid for n in newest_first[:NOTES_PER_PAGE]])
        self.assertContains(first, f"Notes 1 to {NOTES_PER_PAGE} of 30, newest first.")
        self.assertContains(first, "Older notes")
        self.assertNotContains(first, "Newer notes")
        second = self.ana.get(url + "?page=2")
        self.assertEqual([n["uuid"] for n in second.context["notes"]], [n.uuid for n in newest_first[NOTES_PER_PAGE:]])
        self.assertContains(second, "Newer notes")
        # Nonsense in the address shows the first page, never an error.
        self.assertEqual(self.ana.get(url + "?page=banana").status_code, 200)
        # The same number of queries however many notes there are.
        before = len(self.query_log(url))
        for _ in range(40):
            services.note_start(appointment=past_session(self.w), author=self.w.therapist)
        self.assertEqual(len(self.query_log(url)), before)
        self.assertEqual(len(self.query_log(url + "?page=3")), before)

    def query_log(self, url):
        with CaptureQueriesContext(connection) as captured:
            self.ana.get(url)
        return captured.captured_queries

    def test_a_note_cannot_be_started_on_someone_elses_session(self):
        elis = past_session(self.w, client=self.w.client_c, therapist=self.w.colleague)
        response = self.ana.post(reverse("notes:start", kwargs={"appointment_uuid": elis.uuid}), {})
        self.assertEqual(response.status_code, 404)
        self.assertFalse(SessionNote.objects.exists())

    def test_the_clients_page_lists_sessions_with_their_notes(self):
        note = self.start_note()
        page = self.ana.get(reverse("practice:client_detail", kwargs={"client_uuid": self.w.client_a.uuid}))
        self.assertContains(page, "Keep writing the draft")
        self.assertContains(page, self.edit_url(note))

    def test_the_clients_page_links_the_next_session_to_since_we_last_met(self):
        start = timezone.now() + timedelta(days=3)
        upcoming = Appointment.objects.create(
            practice=self.w.practice,
            therapist=self.w.therapist,
            client=self.w.client_a,
            kind="session",
            start=start,
            end=start + timedelta(minutes=50),
            blocked_until=start + timedelta(minutes=60),
        )
        page = self.ana.get(reverse("practice:client_detail", kwargs={"client_uuid": self.w.client_a.uuid}))
        since = reverse("caseload:since", kwargs={"client_uuid": self.w.client_a.uuid})
        self.assertContains(page, f"{since}?before={upcoming.uuid}")

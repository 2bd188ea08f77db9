"""The session-notes panel on a client's page: one link per past session, to read, finish or start its note."""

from django.test import RequestFactory
from django.urls import reverse
from django.utils import dateformat, timezone

from notes import services
from notes.panels import SHOWN, record_panel
from notes.tests.routes import past_session
from tending.testing.personas import TendingTestCase


class NotesRecordPanelTests(TendingTestCase):
    def render(self, staff=None):
        request = RequestFactory().get("/")
        request.staff = staff or self.w.therapist
        request.user = request.staff.user
        return record_panel(request, self.w.client_a)

    def test_each_session_links_to_reading_finishing_or_starting_its_note(self):
        signed, draft, bare = past_session(self.w), past_session(self.w), past_session(self.w)
        signed_note = services.note_start(appointment=signed, author=self.w.therapist)
        services.note_sign(note=signed_note, by=self.w.therapist)
        draft_note = services.note_start(appointment=draft, author=self.w.therapist)
        html = self.render()
        day = {a: dateformat.format(timezone.localtime(a.start), "j M Y") for a in (signed, draft, bare)}
        read = reverse("notes:detail", kwargs={"note_uuid": signed_note.uuid})
        edit = reverse("notes:edit", kwargs={"note_uuid": draft_note.uuid})
        start = reverse("notes:start", kwargs={"appointment_uuid": bare.uuid})
        self.assertInHTML(
            f'<a href="{read}">Read the signed note<span class="visually-hidden"> of {day[signed]}</span></a>', html
        )
        self.assertInHTML(
            f'<a href="{edit}">Keep writing the draft<span class="visually-hidden"> of {day[draft]}</span></a>', html
        )
        self.assertInHTML(
            f'<a href="{start}">Write a note<span class="visually-hidden"> for {day[bare]}</span></a>', html
        )
        # Newest first, in local time, as the template's date filter wrote them.
        when = {a: dateformat.format(timezone.localtime(a.start), "j M Y, H:i") for a in (signed, bare)}
        self.assertIn(f"{when[signed]}:", html)
        self.assertLess(html.index(when[signed]), html.index(when[bare]))

    def test_it_is_two_queries_however_many_sessions(self):
        for _ in range(SHOWN + 3):
            past_session(self.w)
        with self.assertNumQueries(2):
            html = self.render()
        self.assertEqual(html.count("Write a note<"), SHOWN)

    def test_a_colleague_sees_nothing(self):
        past_session(self.w)
        self.assertEqual(self.render(staff=self.w.colleague), "")

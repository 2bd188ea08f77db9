""" "Sign and lock" asks first, says it cannot be undone, and never locks empty template prompts into a note."""

from datetime import UTC, datetime, timedelta

from django.urls import reverse

from bookings.models import Appointment
from notes import services
from notes.models import SessionNote
from tending.testing.personas import TendingTestCase


class WithoutEmptyPromptsTests(TendingTestCase):
    prompts = frozenset({"What was on their mind:", "Feelings named:", "Asked about safety:", "Agreed:"})

    def test_a_prompt_with_nothing_under_it_is_left_out_and_named(self):
        text, dropped = services.without_empty_prompts(
            "What was on their mind:\nWork, mostly.\nFeelings named:\n", self.prompts
        )
        self.assertEqual(text, "What was on their mind:\nWork, mostly.")
        self.assertEqual(dropped, ["Feelings named:"])

    def test_an_answer_on_the_prompts_own_line_keeps_it(self):
        text, dropped = services.without_empty_prompts("Asked about safety: yes, none\nAgreed: \n", self.prompts)
        self.assertEqual(text, "Asked about safety: yes, none")
        self.assertEqual(dropped, ["Agreed:"])

    def test_a_section_of_only_empty_prompts_becomes_empty(self):
        self.assertEqual(services.without_empty_prompts("Asked about safety: \nAgreed: \n", self.prompts)[0], "")

    def test_text_without_prompts_is_kept_exactly(self):
        written = "  Indented line\n\nFeelings named: anger\n"
        self.assertEqual(services.without_empty_prompts(written, self.prompts), (written, []))

    def test_lines_like_a_prompt_that_are_not_the_therapists_prompts_are_kept(self):
        self.assertEqual(services.without_empty_prompts("She said:\n", self.prompts), ("She said:\n", []))


class SignAndLockTests(TendingTestCase):
    def setUp(self):
        start = datetime(2026, 1, 5, 9, tzinfo=UTC) - timedelta(days=3)
        appointment = Appointment.objects.create(
            practice=self.w.practice,
            therapist=self.w.therapist,
            client=self.w.client_a,
            kind="session",
            start=start,
            end=start + timedelta(minutes=50),
            blocked_until=start + timedelta(minutes=60),
            status="completed",
        )
        services.template_ensure_default(therapist=self.w.therapist)
        self.note = services.note_start(appointment=appointment, author=self.w.therapist)
        self.ana = self.as_("therapist")
        self.sign_url = reverse("notes:sign", kwargs={"note_uuid": self.note.uuid})
        self.edit_url = reverse("notes:edit", kwargs={"note_uuid": self.note.uuid})

    def write(self, **texts):
        return services.note_save(note=self.note, by=self.w.therapist, text=texts)

    def test_sign_and_lock_saves_then_asks_and_nothing_is_signed_yet(self):
        response = self.ana.post(
            self.edit_url, {"revision": 0, "mind": "What was on their mind:\nWork.\n", "action": "sign"}
        )
        self.assertRedirects(response, self.sign_url)
        self.note.refresh_from_db()
        self.assertIsNone(self.note.signed_at)
        self.assertEqual(self.note.mind, "What was on their mind:\nWork.\n")

    def test_the_confirmation_says_it_cannot_be_undone_and_shows_what_will_be_locked(self):
        self.write(mind="What was on their mind:\nWork, and her sister.\nFeelings named:\n")
        response = self.ana.get(self.sign_url)
        self.assertContains(response, "<h1>Sign and lock this note?</h1>", html=True)
        self.assertContains(response, "Signing cannot be undone.")
        self.assertContains(response, "Work, and her sister.")
        self.assertContains(response, "Prompts left out")
        self.assertContains(response, "Mind: “Feelings named:”")
        # The starting template's other sections were left as prompts only: each is named.
        self.assertContains(response, "Risk: “Asked about safety:”")
        self.assertContains(response, "Yes, sign and lock")
        self.assertContains(response, "No, keep writing")
        self.note.refresh_from_db()
        self.assertIsNone(self.note.signed_at)

    def test_confirming_signs_without_the_empty_prompts(self):
        note = self.write(
            mind="What was on their mind:\nWork.\nFeelings named:\n", risk="Asked about safety: yes\nAgreed: \n"
        )
        response = self.ana.post(self.sign_url, {"revision": note.revision})
        self.assertRedirects(response, reverse("notes:detail", kwargs={"note_uuid": self.note.uuid}))
        signed = SessionNote.objects.get(pk=self.note.pk)
        self.assertIsNotNone(signed.signed_at)
        self.assertEqual(signed.mind, "What was on their mind:\nWork.")
        self.assertEqual(signed.risk, "Asked about safety: yes")
        self.assertEqual(signed.body, "")  # "What the body was doing…:" alone
        page = self.ana.get(reverse("notes:detail", kwargs={"note_uuid": self.note.uuid}))
        self.assertNotContains(page, "Feelings named")
        self.assertNotContains(page, "Moments of peace")

    def test_a_change_in_another_window_since_asks_again(self):
        self.write(mind="First version")
        shown = SessionNote.objects.get(pk=self.note.pk).revision
        self.write(mind="Second version")
        response = self.ana.post(self.sign_url, {"revision": shown})
        self.assertContains(response, "changed in another window", status_code=409)
        self.assertContains(response, "Second version", status_code=409)
        self.assertIsNone(SessionNote.objects.get(pk=self.note.pk).signed_at)

    def test_a_signed_note_goes_to_its_page(self):
        services.note_sign(note=self.note, by=self.w.therapist)
        detail = reverse("notes:detail", kwargs={"note_uuid": self.note.uuid})
        self.assertRedirects(self.ana.get(self.sign_url), detail)
        self.assertRedirects(self.ana.post(self.sign_url, {"revision": "0"}), detail)

    def test_no_one_else_can_sign_it(self):
        for persona in ("colleague", "owner", "client_a", "outsider"):
            with self.subTest(persona=persona):
                self.assertEqual(self.as_(persona).post(self.sign_url, {"revision": "0"}).status_code, 404)
        self.assertIsNone(SessionNote.objects.get(pk=self.note.pk).signed_at)

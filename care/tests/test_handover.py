"""Handing a client over: what goes with them, who loses access, and who is told."""

from datetime import timedelta

from django.core import mail
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from bookings.models import Appointment
from care.models import Handover
from care.services import CareError, client_hand_over
from journal.services import entry_save, entry_share
from measures.models import MeasureSchedule
from notes import services as notes
from notes.models import SessionNote
from notes.tests.routes import past_session
from risk.models import RiskAlert
from risk.services import risk_alert_raise
from safetyplan.services import safety_plan_save
from tending.testing.factories import session_for
from tending.testing.personas import TendingTestCase


def hand_over(w, *, notes_go=True, future="move", to=None):
    return client_hand_over(
        client=w.client_a,
        to_therapist=to or w.colleague,
        notes_go=notes_go,
        future=future,
        reason="Ana is reducing her hours",
        by=w.owner,
    )


class HandoverTests(TendingTestCase):
    def setUp(self):
        super().setUp()
        self.cara = self.w.client_a
        self.record = reverse("practice:client_detail", kwargs={"client_uuid": self.cara.uuid})

    def signed_note(self, text="Talked about the inner critic"):
        note = notes.note_start(appointment=past_session(self.w), author=self.w.therapist)
        notes.note_save(note=note, by=self.w.therapist, text={"mind": text})
        return notes.note_sign(note=note, by=self.w.therapist)

    def test_the_record_goes_with_the_client_and_the_former_therapist_loses_it_at_once(self):
        safety_plan_save(client=self.cara, content={"warning_signs": "Not sleeping"}, written_by=self.cara.user)
        entry, _ = entry_save(client=self.cara, body="A hard week, and a kind moment.", prompt="")
        entry_share(entry=entry)
        ana, ben = self.as_("therapist"), self.as_("colleague")
        self.assertEqual(ana.get(self.record).status_code, 200)
        hand_over(self.w)
        self.cara.refresh_from_db()
        self.assertEqual(self.cara.therapist, self.w.colleague)
        for name in ("practice:client_detail", "journal:shared", "safetyplan:client_plan", "notes:for_client"):
            url = reverse(name, kwargs={"client_uuid": self.cara.uuid})
            with self.subTest(url=url):
                self.assertEqual(ana.get(url).status_code, 404)
                self.assertEqual(ben.get(url).status_code, 200)
        self.assertContains(
            ben.get(reverse("safetyplan:client_plan", kwargs={"client_uuid": self.cara.uuid})), "Not sleeping"
        )
        self.assertContains(ben.get(reverse("journal:shared", kwargs={"client_uuid": self.cara.uuid})), "a kind moment")
        self.assertNotContains(ana.get(reverse("caseload:clients")), "Cara Client")
        self.assertContains(ben.get(reverse("caseload:clients")), "Cara Client")

    def test_open_alerts_move_to_the_new_therapist_and_the_history_goes_too(self):
        closed = risk_alert_raise(client=self.cara, source="journal_words")
        self.as_("therapist").post(
            reverse("risk:acknowledge", kwargs={"alert_uuid": closed.uuid}), {"action_taken": "contacted"}
        )
        open_alert = risk_alert_raise(client=self.cara, source="phq9_item9")
        mail.outbox.clear()
        with self.captureOnCommitCallbacks(execute=True):
            handover = hand_over(self.w)
        self.assertEqual(handover.alerts_moved, 1)
        open_alert.refresh_from_db()
        closed.refresh_from_db()
        self.assertEqual(open_alert.therapist, self.w.colleague)
        self.assertEqual(closed.therapist, self.w.therapist)  # who was responsible then
        ben, ana = self.as_("colleague"), self.as_("therapist")
        for alert in (open_alert, closed):
            url = reverse("risk:alert", kwargs={"alert_uuid": alert.uuid})
            self.assertEqual(ben.get(url).status_code, 200)
            self.assertEqual(ana.get(url).status_code, 404)
        self.assertEqual(set(RiskAlert.objects.for_staff(self.w.colleague)), {open_alert, closed})
        # Ben is told about the open alert, without a word of what it is.
        to_ben = [m for m in mail.outbox if m.to == ["ben@willow.test"]]
        self.assertTrue(any("has an open alert" in m.body or "open alert" in m.body for m in to_ben))
        self.assertFalse(any("Cara" in m.body for m in mail.outbox if "alert" in m.subject))

    def test_notes_that_go_with_the_client_are_read_only_for_the_new_therapist(self):
        note = self.signed_note()
        hand_over(self.w, notes_go=True)
        note.refresh_from_db()
        self.assertEqual((note.author, note.holder), (self.w.therapist, self.w.colleague))
        ben, ana = self.as_("colleague"), self.as_("therapist")
        detail = reverse("notes:detail", kwargs={"note_uuid": note.uuid})
        page = ben.get(detail)
        self.assertContains(page, "Talked about the inner critic")
        self.assertContains(page, "came to you with Cara Client")
        self.assertNotContains(page, reverse("notes:amend", kwargs={"note_uuid": note.uuid}))
        self.assertEqual(ben.get(reverse("notes:amend", kwargs={"note_uuid": note.uuid})).status_code, 404)
        self.assertEqual(ana.get(detail).status_code, 404)
        self.assertEqual(ana.get(reverse("notes:amend", kwargs={"note_uuid": note.uuid})).status_code, 404)
        self.assertContains(ben.get(self.record), "Read the note from earlier care")
        self.assertContains(
            ben.get(reverse("notes:for_client", kwargs={"client_uuid": self.cara.uuid})), "Ana Therapist"
        )

    def test_notes_that_stay_are_for_their_author_only(self):
        note = self.signed_note()
        hand_over(self.w, notes_go=False)
        note.refresh_from_db()
        self.assertEqual(note.holder, self.w.therapist)
        ben, ana = self.as_("colleague"), self.as_("therapist")
        detail = reverse("notes:detail", kwargs={"note_uuid": note.uuid})
        self.assertEqual(ben.get(detail).status_code, 404)
        self.assertContains(ana.get(detail), "Talked about the inner critic")
        # Ana finds them from her home, and nothing else of Cara's.
        self.assertContains(ana.get(reverse("caseload:home")), "Notes you keep for former clients")
        listing = ana.get(reverse("notes:for_client", kwargs={"client_uuid": self.cara.uuid}))
        self.assertEqual(listing.status_code, 200)
        self.assertEqual(ana.get(self.record).status_code, 404)
        self.assertEqual(
            ana.get(reverse("notes:start", kwargs={"appointment_uuid": note.appointment.uuid})).status_code, 404
        )

    def test_a_draft_saved_after_the_handover_is_shown_back_not_lost(self):
        draft = notes.note_start(appointment=past_session(self.w), author=self.w.therapist)
        hand_over(self.w, notes_go=True)
        url = reverse("notes:edit", kwargs={"note_uuid": draft.uuid})
        ana = self.as_("therapist")
        page = ana.post(url, {"revision": 0, "mind": "She found a kinder voice today", "action": "save"})
        self.assertContains(page, "This note has moved", status_code=409)
        self.assertContains(page, "She found a kinder voice today", status_code=409)
        status = ana.post(url, {"revision": 0, "mind": "More"}, headers={"HX-Request": "true"})
        self.assertContains(status, "Not saved: Cara Client's care has moved")
        self.assertEqual(ana.get(url).status_code, 404)
        draft.refresh_from_db()
        self.assertEqual((draft.mind, draft.holder), ("", self.w.colleague))

    def test_a_former_therapist_cannot_start_a_note_for_an_earlier_session(self):
        session = past_session(self.w)
        hand_over(self.w)
        url = reverse("notes:start", kwargs={"appointment_uuid": session.uuid})
        self.assertEqual(self.as_("therapist").get(url).status_code, 404)

    def test_future_sessions_keep_their_time_with_the_new_therapist_where_free(self):
        start = (timezone.now() + timedelta(days=7)).replace(minute=0, second=0, microsecond=0)
        kept = session_for(self.cara, start)
        clashing = session_for(self.cara, start + timedelta(days=7))
        session_for(self.w.client_c, start + timedelta(days=7))  # Ben is with Eli then
        past = session_for(self.cara, start - timedelta(days=30), status="completed")
        mail.outbox.clear()
        with self.captureOnCommitCallbacks(execute=True):
            handover = hand_over(self.w, future="move")
        self.assertEqual((handover.sessions_moved, handover.sessions_cancelled), (1, 1))
        kept.refresh_from_db()
        clashing.refresh_from_db()
        past.refresh_from_db()
        self.assertEqual((kept.therapist, kept.status), (self.w.colleague, "confirmed"))
        self.assertEqual(clashing.status, "cancelled")
        self.assertEqual(past.therapist, self.w.therapist)
        to_cara = [m for m in mail.outbox if m.to == ["cara@willow.test"]]
        self.assertEqual(len(to_cara), 3)  # the handover, and one calendar update for each session
        handover_email = next(m for m in to_cara if "your therapist is now" in m.subject)
        self.assertIn("From today your therapist at Willow Tree Therapy is Ben Therapist", handover_email.body)
        self.assertIn("These sessions are cancelled", handover_email.body)
        self.assertIn("now with Ben Therapist", handover_email.body)

    def test_future_sessions_can_all_be_cancelled(self):
        start = (timezone.now() + timedelta(days=3)).replace(minute=0, second=0, microsecond=0)
        session = session_for(self.cara, start)
        handover = hand_over(self.w, future="cancel")
        session.refresh_from_db()
        self.assertEqual((handover.sessions_cancelled, session.status), (1, "cancelled"))
        self.assertFalse(Appointment.objects.filter(therapist=self.w.colleague, client=self.cara).exists())

    def test_the_client_is_told_in_plain_words_without_clinical_detail(self):
        risk_alert_raise(client=self.cara, source="phq9_item9")
        mail.outbox.clear()
        with self.captureOnCommitCallbacks(execute=True):
            hand_over(self.w)
        to_cara = next(m for m in mail.outbox if m.to == ["cara@willow.test"])
        for word in ("alert", "risk", "notes", "Ana is reducing"):
            self.assertNotIn(word, to_cara.body)
        home = self.as_("client_a").get(reverse("practice:client_home"))
        self.assertContains(home, "Your therapist is Ben Therapist.")
        self.assertContains(home, "Ben Therapist is your therapist now. Ana Therapist handed your care over")

    def test_a_paused_client_is_not_emailed(self):
        self.cara.care_status = "paused"
        self.cara.save(update_fields=["care_status"])
        with self.captureOnCommitCallbacks(execute=True):
            hand_over(self.w)
        self.assertEqual([m.to for m in mail.outbox], [["ben@willow.test"]])

    def test_questionnaire_rhythms_carry_on_for_the_new_therapist(self):
        schedule = MeasureSchedule.objects.create(
            client=self.cara, instrument="phq9", rhythm="fortnightly", created_by=self.w.therapist
        )
        hand_over(self.w)
        self.assertTrue(MeasureSchedule.objects.filter(pk=schedule.pk, active=True).exists())
        page = self.as_("colleague").get(self.record)
        self.assertContains(page, "Every two weeks")

    def test_the_handover_is_recorded_with_its_reason_and_audited(self):
        handover = hand_over(self.w, notes_go=False)
        self.assertEqual(Handover.objects.get(), handover)
        self.assertEqual(handover.reason, "Ana is reducing her hours")
        event = AuditEvent.objects.get(action=AuditEvent.Action.HANDOVER)
        self.assertEqual(event.client_id, self.cara.uuid)
        self.assertEqual(event.detail["notes_go"], False)
        self.assertNotIn("reducing", str(event.detail))
        # Ana's past reads of Cara's record stay in the trail.
        self.as_("colleague").get(self.record)
        self.assertTrue(AuditEvent.objects.filter(action="read", client_id=self.cara.uuid).exists())

    def test_refusals_are_kind(self):
        with self.assertRaisesMessage(CareError, "already in Ana Therapist's care"):
            hand_over(self.w, to=self.w.therapist)
        with self.assertRaises(PermissionError):
            client_hand_over(
                client=self.cara,
                to_therapist=self.w.colleague,
                notes_go=True,
                future="move",
                reason="x",
                by=self.w.colleague,
            )
        with self.assertRaisesMessage(CareError, "a therapist of the practice"):
            hand_over(self.w, to=self.w.outsider)
        self.assertEqual(SessionNote.objects.count() + Handover.objects.count(), 0)

    def test_the_owner_hands_over_through_the_form(self):
        owner = self.as_("owner")
        url = reverse("care:handover", kwargs={"client_uuid": self.cara.uuid})
        form = owner.get(url)
        self.assertContains(form, "Ben Therapist")
        self.assertNotContains(form, f'<option value="{self.w.therapist.pk}">Ana Therapist')
        missing = owner.post(url, {"to_therapist": self.w.colleague.pk})
        self.assertEqual(missing.status_code, 400)
        self.assertContains(missing, "This field is required", status_code=400)
        done = owner.post(
            url,
            {
                "to_therapist": self.w.colleague.pk,
                "notes": "go",
                "messages": "go",
                "future": "move",
                "reason": "Ana is leaving",
            },
        )
        self.assertRedirects(done, reverse("practice:owner_home"))
        self.cara.refresh_from_db()
        self.assertEqual(self.cara.therapist, self.w.colleague)

"""One rule for a client's clinical record (practice.access.clinical_access).

Their own therapist reads and writes; an owner of the practice with an active emergency access grant
reads only; an erased client's record opens for nobody; anyone else gets 404.
"""

from datetime import UTC, datetime, timedelta

from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from bookings.models import Appointment
from dataprivacy.services import erasure_complete, erasure_request
from formulation import services as formulation
from formulation.models import Symptom
from journal.services import entry_save, entry_share
from measures.models import MeasureRequest, MeasureSchedule
from measures.services import measure_response_record, measure_send
from mindfulness.models import Recommendation
from notes import services as notes
from notes.models import Amendment
from practice.access import clinical_access, get_client_for_clinician, get_rw_client_for_clinician
from practice.models import EmergencyAccess
from risk.models import RiskAlert
from risk.services import risk_alert_raise
from safetyplan.models import SafetyPlanVersion
from safetyplan.services import safety_plan_save
from tending.testing.factories import StaffFactory, UserFactory
from tending.testing.personas import TendingTestCase

SECRET = "Spoke about her brother for the first time"


def grant(owner, client):
    return EmergencyAccess.objects.create(
        owner=owner,
        client=client,
        reason="A risk alert came in and Ana cannot be reached",
        expires_at=timezone.now() + timedelta(hours=1),
    )


def signed_note(w, *, text=SECRET, days_ago=7):
    start = datetime.combine(timezone.localdate() - timedelta(days=days_ago), datetime.min.time(), tzinfo=UTC)
    start = start.replace(hour=9)
    session = Appointment.objects.create(
        practice=w.practice,
        therapist=w.therapist,
        client=w.client_a,
        kind="session",
        start=start,
        end=start + timedelta(minutes=50),
        blocked_until=start + timedelta(minutes=60),
        status="completed",
    )
    note = notes.note_start(appointment=session, author=w.therapist)
    notes.note_save(note=note, by=w.therapist, text={"mind": text})
    notes.note_sign(note=note, by=w.therapist)
    return note


def erase(w, client):
    erasure_complete(erasure=erasure_request(client=client), owner=w.owner)
    client.refresh_from_db()


PHQ9_CALM = [1, 1, 1, 1, 1, 1, 1, 1, 0]


class TheRuleTests(TendingTestCase):
    def test_the_therapist_writes_an_emergency_reader_reads_and_nobody_else_learns_anything(self):
        grant(self.w.owner, self.w.client_a)
        self.assertEqual(clinical_access(self.w.therapist.user, self.w.client_a.uuid), (self.w.client_a, True))
        self.assertEqual(clinical_access(self.w.owner.user, self.w.client_a.uuid), (self.w.client_a, False))
        self.assertEqual(get_client_for_clinician(self.w.owner.user, self.w.client_a.uuid), self.w.client_a)
        with self.assertRaises(Http404):
            get_rw_client_for_clinician(self.w.owner.user, self.w.client_a.uuid)
        for persona in ("colleague", "outsider", "client_a"):
            with self.subTest(persona=persona), self.assertRaises(Http404):
                clinical_access(self.w.user(persona), self.w.client_a.uuid)

    def test_an_erased_clients_record_opens_for_nobody_not_even_with_a_grant(self):
        grant(self.w.owner, self.w.client_b)
        erase(self.w, self.w.client_b)
        for persona in ("therapist", "owner"):
            with self.subTest(persona=persona), self.assertRaises(Http404):
                clinical_access(self.w.user(persona), self.w.client_b.uuid)


class EmergencyAccessIsReadOnlyTests(TendingTestCase):
    """Olive (owner, not a therapist) holds an emergency grant for Cara."""

    def setUp(self):
        grant(self.w.owner, self.w.client_a)
        self.olive = self.as_("owner")
        self.cara = {"client_uuid": self.w.client_a.uuid}

    def test_she_reads_every_part_of_the_record_the_therapist_reads(self):
        entry, _ = entry_save(client=self.w.client_a, body="A quiet walk by the river", prompt="free")
        entry_share(entry=entry)
        response = measure_response_record(client=self.w.client_a, instrument="phq9", answers=PHQ9_CALM)
        note = signed_note(self.w)
        safety_plan_save(
            client=self.w.client_a, content={"warning_signs": "Not sleeping"}, written_by=self.w.client_a.user
        )
        pages = {
            "journal:shared": (reverse("journal:shared", kwargs=self.cara), "A quiet walk by the river"),
            "measures:response": (reverse("measures:response", kwargs={"response_uuid": response.uuid}), "PHQ-9"),
            "notes:detail": (reverse("notes:detail", kwargs={"note_uuid": note.uuid}), SECRET),
            "notes:for_client": (reverse("notes:for_client", kwargs=self.cara), "Signed"),
            "safetyplan:client_plan": (reverse("safetyplan:client_plan", kwargs=self.cara), "Not sleeping"),
            "formulation:detail": (reverse("formulation:detail", kwargs=self.cara), "Formulation"),
            "journey:client": (reverse("journey:client", kwargs=self.cara), "Cara"),
            "bookings:appointment": (
                reverse("bookings:appointment", kwargs={"appointment_uuid": note.appointment.uuid}),
                "Cara",
            ),
        }
        for name, (url, words) in pages.items():
            with self.subTest(page=name):
                self.assertContains(self.olive.get(url), words)

    def test_her_pages_offer_nothing_to_change(self):
        safety_plan_save(
            client=self.w.client_a, content={"warning_signs": "Not sleeping"}, written_by=self.w.client_a.user
        )
        formulation.symptom_add(
            client=self.w.client_a,
            by=self.w.therapist,
            kind="panic_attacks",
            status="present",
            severity=6,
            on=timezone.localdate(),
        )
        record = self.olive.get(reverse("practice:client_detail", kwargs=self.cara))
        self.assertNotContains(record, reverse("measures:send", kwargs=self.cara))
        self.assertNotContains(record, reverse("mindfulness:recommend", kwargs=self.cara))
        self.assertContains(record, reverse("notes:for_client", kwargs=self.cara))  # the way to the signed notes
        plan = self.olive.get(reverse("safetyplan:client_plan", kwargs=self.cara))
        self.assertNotContains(plan, reverse("safetyplan:client_edit", kwargs=self.cara))
        page = self.olive.get(reverse("formulation:detail", kwargs=self.cara))
        self.assertNotContains(page, reverse("formulation:symptom_new", kwargs=self.cara))
        symptom = Symptom.objects.get(client=self.w.client_a)
        detail = self.olive.get(reverse("formulation:symptom", kwargs={"symptom_uuid": symptom.uuid}))
        self.assertContains(detail, "Panic attacks")
        self.assertNotContains(detail, "Record a change")
        self.assertNotContains(record, reverse("bookings:book_for_client", kwargs=self.cara))
        session = signed_note(self.w).appointment
        session.status = "confirmed"
        session.save(update_fields=["status"])
        appointment = self.olive.get(reverse("bookings:appointment", kwargs={"appointment_uuid": session.uuid}))
        self.assertEqual(appointment.status_code, 200)
        self.assertNotContains(appointment, "Cancel appointment")
        own = self.as_("therapist").get(reverse("bookings:appointment", kwargs={"appointment_uuid": session.uuid}))
        self.assertContains(own, "Cancel appointment")

    def test_every_write_is_a_404_and_changes_nothing(self):
        note = signed_note(self.w)
        measure_send(client=self.w.client_a, instrument="gad7", rhythm="four_weekly", sent_by=self.w.therapist)
        schedule = MeasureSchedule.objects.get(client=self.w.client_a)
        requests_before = MeasureRequest.objects.count()
        symptom = formulation.symptom_add(
            client=self.w.client_a,
            by=self.w.therapist,
            kind="panic_attacks",
            status="present",
            severity=6,
            on=timezone.localdate(),
        )
        today = timezone.localdate().isoformat()
        writes = {
            "safetyplan:client_edit": (reverse("safetyplan:client_edit", kwargs=self.cara), {"warning_signs": "x"}),
            "measures:send": (reverse("measures:send", kwargs=self.cara), {"instrument": "phq9", "rhythm": "once"}),
            "measures:stop": (reverse("measures:stop", kwargs={"schedule_uuid": schedule.uuid}), {}),
            "formulation:symptom_new": (
                reverse("formulation:symptom_new", kwargs=self.cara),
                {"kind": "low_mood", "status": "present", "severity": "5", "on": today},
            ),
            "formulation:symptom": (
                reverse("formulation:symptom", kwargs={"symptom_uuid": symptom.uuid}),
                {"status": "resolved", "severity": "0", "on": today},
            ),
            "notes:edit": (reverse("notes:edit", kwargs={"note_uuid": note.uuid}), {"revision": 9, "mind": "x"}),
            "notes:amend": (reverse("notes:amend", kwargs={"note_uuid": note.uuid}), {"section": "mind", "text": "x"}),
            "mindfulness:recommend": (
                reverse("mindfulness:recommend", kwargs=self.cara),
                {"practice": "soothing-rhythm-breathing", "note": "x"},
            ),
            "bookings:appointment_action": (
                reverse(
                    "bookings:appointment_action",
                    kwargs={"appointment_uuid": note.appointment.uuid, "action": "cancel"},
                ),
                {},
            ),
            "bookings:care": (reverse("bookings:care", kwargs=self.cara), {"status": "paused", "since": today}),
        }
        for name, (url, data) in writes.items():
            with self.subTest(write=name):
                self.assertEqual(self.olive.post(url, data).status_code, 404)
                # The symptom page is a read (its form is hidden from her); the others exist only to write.
                expected = {"measures:stop": 405, "bookings:appointment_action": 405, "formulation:symptom": 200}
                expected = expected.get(name, 404)
                self.assertEqual(self.olive.get(url).status_code, expected)
        self.assertFalse(SafetyPlanVersion.objects.filter(plan__client=self.w.client_a).exists())
        self.assertEqual(MeasureRequest.objects.count(), requests_before)
        schedule.refresh_from_db()
        self.assertTrue(schedule.active)
        self.assertEqual(Symptom.objects.filter(client=self.w.client_a).count(), 1)
        self.assertEqual(symptom.history.count(), 1)
        self.assertFalse(Amendment.objects.filter(note=note).exists())
        self.assertFalse(Recommendation.objects.filter(client=self.w.client_a).exists())
        note.appointment.refresh_from_db()
        self.assertEqual(note.appointment.status, "completed")
        self.w.client_a.refresh_from_db()
        self.assertEqual(self.w.client_a.care_status, "active")


class OwnerWhoIsAlsoATherapistTests(TendingTestCase):
    """Tom owns Willow and sees clients of his own; Cara is Ana's client, and Tom holds a grant for her."""

    def setUp(self):
        self.tom = StaffFactory(
            practice=self.w.practice,
            is_owner=True,
            is_therapist=True,
            user=UserFactory(email="tom@willow.test", name="Tom Owner"),
        )
        grant(self.tom, self.w.client_a)
        self.http = self.client
        self.http.force_login(self.tom.user, backend="accounts.backends.ModelBackend")

    def test_he_cannot_send_another_therapists_client_a_questionnaire(self):
        url = reverse("measures:send", kwargs={"client_uuid": self.w.client_a.uuid})
        self.assertEqual(self.http.post(url, {"instrument": "phq9", "rhythm": "once"}).status_code, 404)
        self.assertFalse(MeasureRequest.objects.filter(client=self.w.client_a).exists())

    def test_he_cannot_stop_another_therapists_clients_questionnaires(self):
        measure_send(client=self.w.client_a, instrument="gad7", rhythm="four_weekly", sent_by=self.w.therapist)
        schedule = MeasureSchedule.objects.get(client=self.w.client_a)
        url = reverse("measures:stop", kwargs={"schedule_uuid": schedule.uuid})
        self.assertEqual(self.http.post(url).status_code, 404)
        schedule.refresh_from_db()
        self.assertTrue(schedule.active)

    def test_he_cannot_write_a_safety_plan_version_for_her(self):
        url = reverse("safetyplan:client_edit", kwargs={"client_uuid": self.w.client_a.uuid})
        self.assertEqual(self.http.post(url, {"warning_signs": "Written by the owner"}).status_code, 404)
        self.assertFalse(SafetyPlanVersion.objects.filter(plan__client=self.w.client_a).exists())


class ErasedClientTests(TendingTestCase):
    """After Cara's erasure her kept notes and alerts are restricted: their author opens none of them."""

    def setUp(self):
        self.note = signed_note(self.w)
        self.alert = risk_alert_raise(client=self.w.client_a, source="phq9_item9")
        erase(self.w, self.w.client_a)
        self.ana = self.as_("therapist")

    def test_the_notes_author_cannot_read_edit_or_amend_it(self):
        kwargs = {"note_uuid": self.note.uuid}
        self.assertEqual(self.ana.get(reverse("notes:detail", kwargs=kwargs)).status_code, 404)
        self.assertEqual(self.ana.get(reverse("notes:edit", kwargs=kwargs)).status_code, 404)
        self.assertEqual(self.ana.post(reverse("notes:edit", kwargs=kwargs), {"revision": 9}).status_code, 404)
        self.assertEqual(self.ana.get(reverse("notes:amend", kwargs=kwargs)).status_code, 404)
        response = self.ana.post(reverse("notes:amend", kwargs=kwargs), {"section": "mind", "text": "Later thought"})
        self.assertEqual(response.status_code, 404)
        self.assertFalse(Amendment.objects.filter(note=self.note).exists())
        listing = self.ana.get(reverse("notes:for_client", kwargs={"client_uuid": self.w.client_a.uuid}))
        self.assertEqual(listing.status_code, 404)
        session = reverse("bookings:appointment", kwargs={"appointment_uuid": self.note.appointment.uuid})
        self.assertEqual(self.ana.get(session).status_code, 404)

    def test_her_risk_alerts_open_for_nobody(self):
        kwargs = {"alert_uuid": self.alert.uuid}
        self.assertEqual(self.ana.get(reverse("risk:alert", kwargs=kwargs)).status_code, 404)
        form = {"action_taken": RiskAlert.Action.values[0], "note": "Called her"}
        self.assertEqual(self.ana.post(reverse("risk:acknowledge", kwargs=kwargs), form).status_code, 404)
        self.alert.refresh_from_db()
        self.assertIsNone(self.alert.acknowledged_at)
        self.assertNotContains(self.ana.get(reverse("risk:list")), str(self.alert.uuid))

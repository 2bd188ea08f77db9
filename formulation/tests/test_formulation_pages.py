from datetime import UTC, date, datetime, timedelta

import time_machine
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from formulation import services
from formulation.models import Cause, Insight, Symptom, SymptomStatus
from measures.services import measure_response_record
from practice.models import EmergencyAccess
from tending.testing.personas import TendingTestCase

TODAY = date(2026, 6, 1)


@time_machine.travel("2026-06-01 10:00 +00:00", tick=False)
class FormulationPageTests(TendingTestCase):
    def detail_url(self, client=None):
        return reverse("formulation:detail", kwargs={"client_uuid": (client or self.w.client_a).uuid})

    def build_history(self, *, symptoms: int, entries: int):
        ana = self.w.therapist
        cause = services.cause_add(
            client=self.w.client_a, by=ana, hypothesis="A harsh inner critic", on=date(2025, 1, 1)
        )
        for n in range(symptoms):
            symptom = services.symptom_add(
                client=self.w.client_a,
                by=ana,
                kind="anxiety",
                custom_name=f"Worry {n}",
                status="present",
                severity=7,
                on=date(2025, 1, 1),
                causes=[cause],
            )
            SymptomStatus.objects.bulk_create(
                SymptomStatus(
                    symptom=symptom,
                    status="present",
                    severity=(k % 10),
                    on=date(2025, 1, 2) + timedelta(days=k),
                    recorded_by=ana,
                )
                for k in range(entries)
            )

    def count_queries(self):
        http = self.as_("therapist")
        http.get(self.detail_url())  # warm the session

        with CaptureQueriesContext(connection) as captured:
            response = http.get(self.detail_url())
        self.assertEqual(response.status_code, 200)
        return len(captured)

    def test_the_page_uses_the_same_number_of_queries_however_long_the_history(self):
        self.build_history(symptoms=2, entries=3)
        small = self.count_queries()
        self.build_history(symptoms=12, entries=40)
        http = self.as_("therapist")
        http.get(self.detail_url())
        with self.assertNumQueries(small):
            response = http.get(self.detail_url())
        self.assertContains(response, "Worry 11")

    def test_the_query_count_is_pinned(self):
        self.build_history(symptoms=3, entries=5)
        http = self.as_("therapist")
        http.get(self.detail_url())
        # session, user with their staff record and practice, client with its erasure row; the audited read (savepoint,
        # the chain's head, the insert, release; SQLite moves the head in one more); symptoms + history; causes +
        # history + links;
        # waiting insights; session dates; measure scores.
        with self.assertNumQueries(self.pinned_count()):
            http.get(self.detail_url())

    def pinned_count(self):
        # ... and the count of open alerts in the navigation. On PostgreSQL the page's nine kept reads (from the
        # symptoms to the navigation's count) are one statement (core.compiled.reads_ahead).
        return 17 if connection.vendor == "sqlite" else 8

    def test_a_therapist_adds_a_symptom_and_links_it_to_a_cause(self):
        http = self.as_("therapist")
        http.post(
            reverse("formulation:cause_new", kwargs={"client_uuid": self.w.client_a.uuid}),
            {"hypothesis": "A harsh inner critic", "status": "open", "on": "2026-01-05"},
        )
        cause = Cause.objects.get(client=self.w.client_a)
        response = http.post(
            reverse("formulation:symptom_new", kwargs={"client_uuid": self.w.client_a.uuid}),
            {
                "kind": "panic_attacks",
                "status": "present",
                "severity": "8",
                "on": "2026-01-05",
                "causes": [str(cause.uuid)],
            },
        )
        self.assertRedirects(response, self.detail_url())
        symptom = Symptom.objects.get(client=self.w.client_a)
        self.assertEqual(list(cause.symptoms.all()), [symptom])
        page = http.get(self.detail_url())
        self.assertContains(page, "Panic attacks")
        self.assertContains(page, "A harsh inner critic")
        self.assertTrue(
            AuditEvent.objects.filter(
                action="create", object_type="formulation.symptom", object_id=str(symptom.uuid)
            ).exists()
        )

    def test_bad_input_is_explained_next_to_the_field_and_kept(self):
        response = self.as_("therapist").post(
            reverse("formulation:symptom_new", kwargs={"client_uuid": self.w.client_a.uuid}),
            {"kind": "other", "custom_name": "", "status": "present", "severity": "14", "on": "2099-01-01"},
        )
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Please give this symptom a name.")
        self.assertContains(response, "Please choose today or a date in the past.")
        self.assertContains(response, 'value="14"')
        self.assertFalse(Symptom.objects.exists())

    def test_sharing_a_cause_needs_words_for_the_client(self):
        response = self.as_("therapist").post(
            reverse("formulation:cause_new", kwargs={"client_uuid": self.w.client_a.uuid}),
            {"hypothesis": "Early shame", "status": "open", "on": "2026-01-05", "shared_with_client": "on"},
        )
        self.assertContains(response, "Please add the words the client will see")
        self.assertFalse(Cause.objects.exists())

    def test_recording_a_shift_creates_an_insight_on_the_page(self):
        ana, cara = self.w.therapist, self.w.client_a
        panic = services.symptom_add(
            client=cara, by=ana, kind="panic_attacks", status="present", severity=8, on=date(2026, 1, 5)
        )
        cause = services.cause_add(
            client=cara, by=ana, hypothesis="A harsh inner critic", on=date(2026, 1, 5), symptoms=[panic]
        )
        http = self.as_("therapist")
        http.post(
            reverse("formulation:symptom", kwargs={"symptom_uuid": panic.uuid}),
            {"status": "resolved", "severity": "0", "on": "2026-03-01"},
        )
        self.assertFalse(Insight.objects.exists())
        http.post(
            reverse("formulation:symptom_new", kwargs={"client_uuid": cara.uuid}),
            {
                "kind": "sleep_problems",
                "status": "present",
                "severity": "6",
                "on": "2026-04-10",
                "causes": [str(cause.uuid)],
            },
        )
        insight = Insight.objects.get()
        self.assertEqual((insight.eased_symptom, insight.cause, insight.appeared_on), (panic, cause, date(2026, 4, 10)))
        page = http.get(self.detail_url())
        self.assertContains(page, "A possible symptom shift")
        self.assertContains(page, "Panic attacks resolved on 1 Mar 2026")
        # Rescanning never repeats a finding.
        services.insights_refresh(client=cara)
        self.assertEqual(Insight.objects.count(), 1)

    def test_setting_aside_keeps_the_note_encrypted_and_hides_the_insight(self):
        insight = Insight.objects.create(client=self.w.client_a, kind=Insight.Kind.SYMPTOM_SHIFT, key="k")
        http = self.as_("therapist")
        response = http.post(
            reverse("formulation:insight_dismiss", kwargs={"insight_uuid": insight.uuid}),
            {"note": "Sleep is the new baby"},
        )
        self.assertRedirects(response, self.detail_url())
        insight.refresh_from_db()
        self.assertIsNotNone(insight.dismissed_at)
        self.assertEqual(insight.dismissal_note, "Sleep is the new baby")
        with connection.cursor() as cursor:
            cursor.execute("SELECT dismissal_note FROM formulation_insight WHERE id = %s", [insight.id])
            raw = cursor.fetchone()[0]
        self.assertNotIn("baby", raw)
        self.assertNotContains(http.get(self.detail_url()), "A possible symptom shift")

    def test_the_hypothesis_is_not_stored_in_plain_text(self):
        services.cause_add(
            client=self.w.client_a, by=self.w.therapist, hypothesis="Unprocessed loss of father", on=TODAY
        )
        with connection.cursor() as cursor:
            cursor.execute("SELECT hypothesis FROM formulation_cause")
            raw = cursor.fetchone()[0]
        self.assertNotIn("father", raw)

    def test_reading_the_formulation_is_audited(self):
        self.as_("therapist").get(self.detail_url())
        event = AuditEvent.objects.filter(action="read", object_type="formulation.formulation").get()
        self.assertEqual(event.client_id, self.w.client_a.uuid)

    def test_the_client_sees_only_what_was_shared_and_never_the_hypothesis(self):
        ana, cara = self.w.therapist, self.w.client_a
        shared = services.cause_add(
            client=cara,
            by=ana,
            hypothesis="Harsh inner critic (hypothesis)",
            client_wording="A part of you that tries hard to keep you safe",
            shared_with_client=True,
            on=TODAY,
        )
        services.cause_add(client=cara, by=ana, hypothesis="Early shame", on=TODAY)
        sleep = services.symptom_add(
            client=cara,
            by=ana,
            kind="sleep_problems",
            status="easing",
            severity=3,
            on=TODAY - timedelta(days=30),
            shared_with_client=True,
            causes=[shared],
        )
        services.symptom_add(client=cara, by=ana, kind="self_harm", status="present", severity=3, on=TODAY)
        page = self.as_("client_a").get(reverse("practice:client_home"))
        self.assertContains(page, "A part of you that tries hard to keep you safe")
        self.assertContains(page, "Sleep problems: easing")
        # The client sees the latest status, however long the history.
        services.symptom_record(symptom=sleep, by=ana, status="resolved", severity=0, on=TODAY)
        page = self.as_("client_a").get(reverse("practice:client_home"))
        self.assertContains(page, "Sleep problems: settled for now")
        self.assertNotContains(page, "Harsh inner critic (hypothesis)")
        self.assertNotContains(page, "Early shame")
        self.assertNotContains(page, "Self-harm")
        self.assertNotContains(
            self.as_("client_b").get(reverse("practice:client_home")), "What we are working on together"
        )

    def test_a_colleague_cannot_reach_a_symptom_by_its_uuid(self):
        panic = services.symptom_add(
            client=self.w.client_a, by=self.w.therapist, kind="panic_attacks", status="present", severity=8, on=TODAY
        )
        for persona in ("colleague", "outsider", "owner", "client_a"):
            with self.subTest(persona=persona):
                response = self.as_(persona).post(
                    reverse("formulation:symptom", kwargs={"symptom_uuid": panic.uuid}),
                    {"status": "resolved", "severity": "0", "on": "2026-05-01"},
                )
                self.assertEqual(response.status_code, 404)
        self.assertEqual(panic.history.count(), 1)


def scs_answers(mean: int) -> list[int]:
    """Raw SCS-SF answers whose scored mean is ``mean`` (items 1, 4, 8, 9, 11, 12 are reverse-scored)."""
    return [6 - mean if n in (1, 4, 8, 9, 11, 12) else mean for n in range(1, 13)]


class CompassionWatchTests(TendingTestCase):
    def test_the_daily_watch_notices_symptoms_easing_while_self_compassion_stays(self):
        cara = self.w.client_a
        at = [datetime(2026, 1, 5, 9, tzinfo=UTC), datetime(2026, 3, 2, 9, tzinfo=UTC)]
        measure_response_record(client=cara, instrument="phq9", answers=[2] * 9, completed_at=at[0])
        measure_response_record(client=cara, instrument="phq9", answers=[1] * 9, completed_at=at[1])
        for moment in at:
            measure_response_record(client=cara, instrument="scs_sf", answers=[3] * 12, completed_at=moment)
        # Dev's scores improve along with self-compassion: nothing to say.
        dev = self.w.client_b
        measure_response_record(client=dev, instrument="phq9", answers=[2] * 9, completed_at=at[0])
        measure_response_record(client=dev, instrument="phq9", answers=[1] * 9, completed_at=at[1])
        measure_response_record(client=dev, instrument="scs_sf", answers=scs_answers(2), completed_at=at[0])
        measure_response_record(client=dev, instrument="scs_sf", answers=scs_answers(4), completed_at=at[1])
        call_command("formulation_watch", stdout=open("/dev/null", "w"))
        insight = Insight.objects.get()
        self.assertEqual((insight.client, insight.kind), (cara, Insight.Kind.COMPASSION_UNCHANGED))
        self.assertEqual(insight.facts["first"][1], 18)
        self.assertEqual(insight.facts["last"][1], 9)
        call_command("formulation_watch", stdout=open("/dev/null", "w"))
        self.assertEqual(Insight.objects.count(), 1)
        page = self.as_("therapist").get(reverse("formulation:detail", kwargs={"client_uuid": cara.uuid}))
        self.assertContains(page, "Symptoms easing, self-compassion unchanged")


class EmergencyAccessTests(TendingTestCase):
    def test_an_owner_with_emergency_access_reads_the_formulation_but_never_changes_it(self):
        panic = services.symptom_add(
            client=self.w.client_a, by=self.w.therapist, kind="panic_attacks", status="present", severity=8, on=TODAY
        )
        EmergencyAccess.objects.create(
            owner=self.w.owner,
            client=self.w.client_a,
            reason="Risk alert while Ana is away",
            expires_at=timezone.now() + timedelta(hours=1),
        )
        owner = self.as_("owner")
        page = owner.get(reverse("formulation:detail", kwargs={"client_uuid": self.w.client_a.uuid}))
        self.assertContains(page, "Panic attacks")
        response = owner.post(
            reverse("formulation:symptom", kwargs={"symptom_uuid": panic.uuid}),
            {"status": "resolved", "severity": "0", "on": "2026-01-10"},
        )
        self.assertEqual(response.status_code, 404)
        self.assertEqual(panic.history.count(), 1)
        self.assertEqual(
            owner.get(reverse("formulation:symptom_new", kwargs={"client_uuid": self.w.client_a.uuid})).status_code, 404
        )

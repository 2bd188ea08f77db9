"""One audited read per page (issue 22): a page's reads are one row per client, naming every object read,
written once the page exists; nothing when the view fails; at once outside a request."""

import csv
import io

from django.test import Client as HttpClient
from django.test import RequestFactory, override_settings
from django.urls import reverse

from audit.describe import sentence
from audit.models import AuditEvent
from audit.reads import PageReads, objects_read
from audit.services import audit_read, audit_record, audit_verify
from dataprivacy.openings import record_openings
from mindfulness.models import ExerciseLog
from onboarding.models import Intake
from tending.testing.personas import TendingTestCase

READ = AuditEvent.Action.READ
TEST_URLS = "audit.tests.urls_page_reads"


def _label(client):
    return client.preferred_name or client.user.name


class PageReadsTestCase(TendingTestCase):
    def reads_during(self, fetch):
        """The read rows a request wrote, oldest first."""
        newest = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
        response = fetch()
        return response, list(AuditEvent.objects.filter(id__gt=newest, action=READ).order_by("id"))

    def open_record(self, persona="therapist", client=None):
        client = client or self.w.client_a
        url = reverse("practice:client_detail", kwargs={"client_uuid": client.uuid})
        return self.reads_during(lambda: self.as_(persona).get(url))


class ClientRecordTests(PageReadsTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.intake = Intake.objects.create(client=cls.w.client_a)
        ExerciseLog.objects.create(client=cls.w.client_a, builtin_slug="soothing-rhythm-breathing")

    def test_the_client_record_page_writes_one_row_naming_every_panels_object(self):
        response, rows = self.open_record()
        self.assertEqual(response.status_code, 200)
        self.assertEqual(len(rows), 1, [(r.object_type, r.detail) for r in rows])
        row = rows[0]
        client = self.w.client_a
        self.assertEqual((row.object_type, row.object_id), ("practice.client", str(client.uuid)))
        self.assertEqual(row.client_id, client.uuid)
        self.assertEqual(row.actor_id, self.w.therapist.user.uuid)
        self.assertEqual(row.path, reverse("practice:client_detail", kwargs={"client_uuid": client.uuid}))
        read = objects_read(row)
        self.assertEqual(read[0], ("practice.client", str(client.uuid)))
        self.assertIn(("onboarding.intake", str(self.intake.uuid)), read)
        self.assertIn(("mindfulness.practicelog", str(client.uuid)), read)
        self.assertEqual(row.detail["read"][0], ["practice.client", str(client.uuid)])

    def test_a_regulators_question_finds_a_panels_read_inside_the_pages_row(self):
        self.open_record()
        intake_reads = AuditEvent.objects.for_client(self.w.client_a).reads_of("onboarding.intake")
        self.assertEqual([r.actor_id for r in intake_reads], [self.w.therapist.user.uuid])
        self.assertFalse(AuditEvent.objects.for_client(self.w.client_b).reads_of("onboarding.intake").exists())

    def test_the_chain_holds_over_combined_rows(self):
        self.open_record()
        self.open_record()
        checked, broken = audit_verify()
        self.assertGreaterEqual(checked, 2)
        self.assertEqual(broken, [])

    def test_a_page_refused_writes_nothing(self):
        # Eli is Ben's client: the access helper raises 404 before anything is shown.
        response, rows = self.open_record(client=self.w.client_c)
        self.assertEqual(response.status_code, 404)
        self.assertEqual(rows, [])

    def test_a_page_that_reads_nothing_clinical_writes_nothing(self):
        response, rows = self.reads_during(lambda: self.as_("therapist").get(reverse("practice:profile")))
        self.assertEqual(response.status_code, 200)
        self.assertEqual(rows, [])

    def test_the_owners_audit_page_and_csv_name_everything_the_page_read(self):
        self.open_record()
        words = f"{self.w.therapist.user.name} (therapist) read {_label(self.w.client_a)}’s record, intake form and mindfulness log"
        owner = self.as_("owner")
        self.assertContains(owner.get(reverse("practice:audit_log")), words)
        self.assertContains(owner.get(reverse("practice:audit_log"), {"action": "read"}), words)
        self.assertContains(owner.get(reverse("practice:audit_log"), {"client": str(self.w.client_a.uuid)}), words)
        self.assertNotContains(owner.get(reverse("practice:audit_log"), {"client": str(self.w.client_b.uuid)}), words)
        response = owner.get(reverse("practice:audit_log"), {"action": "read", "export": "csv"})
        rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
        self.assertEqual([row[1] for row in rows[1:]], [words])
        self.assertEqual(rows[1][2], _label(self.w.client_a))

    def test_who_has_opened_my_record_counts_pages_and_never_lists_messages(self):
        self.open_record()
        self.open_record()
        # A message read, and (never written by us, but if it were) a page's row naming a message.
        audit_record(action=READ, object_type="messages.message", actor=self.w.therapist.user, client=self.w.client_a)
        audit_record(
            action=READ,
            object_type="practice.client",
            object_id=str(self.w.client_a.uuid),
            actor=self.w.colleague.user,
            client=self.w.client_a,
            detail={"read": [["practice.client", str(self.w.client_a.uuid)], ["messages.message", "1"]]},
        )
        lines = [opening.text for opening in record_openings(self.w.client_a)]
        self.assertEqual(len(lines), 1, lines)
        self.assertTrue(lines[0].startswith("Ana, your therapist, read your record — twice on"), lines)
        page = self.as_("client_a").get(reverse("dataprivacy:openings"))
        self.assertContains(page, "read your record — twice on")
        self.assertNotContains(page, "Ben")


@override_settings(ROOT_URLCONF=TEST_URLS)
class MiddlewareTests(PageReadsTestCase):
    def get(self, path, persona="therapist"):
        http = self.as_(persona)
        http.raise_request_exception = False
        return self.reads_during(lambda: http.get(path))

    def test_a_view_that_fails_after_reading_writes_nothing(self):
        response, rows = self.get(f"/t/fails/{self.w.client_a.uuid}/")
        self.assertEqual(response.status_code, 500)
        self.assertEqual(rows, [])
        response, rows = self.get(f"/t/missing/{self.w.client_a.uuid}/")
        self.assertEqual(response.status_code, 404)
        self.assertEqual(rows, [])

    def test_a_page_about_two_clients_writes_a_row_for_each(self):
        a, b = self.w.client_a, self.w.client_b
        response, rows = self.get(f"/t/two/{a.uuid}/{b.uuid}/")
        self.assertEqual(response.status_code, 200)
        self.assertEqual([r.client_id for r in rows], [a.uuid, b.uuid])
        for row, client in zip(rows, (a, b), strict=True):
            self.assertEqual(row.object_type, "practice.client")
            self.assertEqual(
                objects_read(row), [("practice.client", str(client.uuid)), ("journey.journey", str(client.uuid))]
            )

    def test_a_pages_lists_are_one_row_of_their_own(self):
        response, rows = self.get(f"/t/lists/{self.w.client_a.uuid}/")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(
            [(r.object_type, r.object_id, r.client_id) for r in rows][0][:2],
            ("practice.client", str(self.w.client_a.uuid)),
        )
        listed = rows[1]
        self.assertEqual((listed.object_type, listed.object_id, listed.client_id), ("risk.riskalert", "list", None))
        self.assertTrue(listed.detail["list"])

    def test_a_template_response_is_recorded_once_rendered(self):
        response, rows = self.get(f"/t/template/{self.w.client_a.uuid}/")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(len(rows), 1)
        self.assertEqual(len(objects_read(rows[0])), 2)

    def test_a_read_made_while_streaming_is_written_at_once(self):
        http = self.as_("therapist")
        newest = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
        response = http.get(f"/t/stream/{self.w.client_a.uuid}/")
        self.assertEqual(AuditEvent.objects.filter(id__gt=newest, action=READ).count(), 1)
        self.assertEqual(b"".join(response.streaming_content), b"streamed")
        rows = list(AuditEvent.objects.filter(id__gt=newest, action=READ).order_by("id"))
        self.assertEqual([r.object_type for r in rows], ["practice.client", "journey.journey"])

    def test_a_visitor_sees_nothing_and_nothing_is_written(self):
        response, rows = self.reads_during(lambda: HttpClient().get(reverse("practice:client_home")))
        self.assertEqual(response.status_code, 302)
        self.assertEqual(rows, [])


class OutsideARequestTests(PageReadsTestCase):
    def test_a_read_outside_a_request_is_written_at_once(self):
        request = RequestFactory().get("/somewhere/")
        request.user = self.w.therapist.user
        event = audit_read(request, self.w.client_a, client=self.w.client_a, object_type="practice.client")
        self.assertIsNotNone(event.pk)
        self.assertNotIn("read", event.detail)

    def test_messages_never_share_a_row_and_money_is_never_the_main_object(self):
        reads = PageReads()
        client = self.w.client_a
        reads.add(object_type="money.invoice", object_id="i1", client=client, detail=None)
        reads.add(object_type="messages.message", object_id="m1", client=client, detail=None)
        reads.add(object_type="notes.sessionnote", object_id="n1", client=client, detail={"version": 2})
        reads.add(object_type="notes.sessionnote", object_id="n1", client=client, detail=None)
        rows = list(reads.rows())
        self.assertEqual(len(rows), 2)
        main, messages = rows
        self.assertEqual((main["object_type"], main["object_id"]), ("notes.sessionnote", "n1"))
        self.assertEqual(main["detail"]["version"], 2)
        self.assertEqual(main["detail"]["read"], [["notes.sessionnote", "n1", {"version": 2}], ["money.invoice", "i1"]])
        self.assertEqual((messages["object_type"], messages["detail"]), ("messages.message", {}))

    def test_a_combined_row_reads_as_one_sentence(self):
        event = AuditEvent(
            actor_id=self.w.therapist.user.uuid,
            actor_role="therapist",
            action=READ,
            object_type="practice.client",
            client_id=self.w.client_a.uuid,
            detail={"read": [["practice.client", "x"], ["onboarding.intake", "y"], ["risk.riskalert", "list"]]},
        )
        names = {self.w.therapist.user.uuid: "Ana", self.w.client_a.uuid: "Cara"}
        self.assertEqual(
            sentence(event, names), "Ana (therapist) read Cara’s record, intake form and list of risk alerts"
        )

"""The owner's audit page speaks plain words, shows emergency-access reasons, exports CSV, and warns when the log broke."""

import csv
import io
import tempfile
from io import StringIO
from pathlib import Path

from django.core.management import CommandError, call_command
from django.db import connection
from django.test import RequestFactory, override_settings
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from audit.services import audit_record
from practice.services import emergency_access_grant
from tending.testing.personas import TendingTestCase


def _label(client):
    return client.preferred_name or client.user.name


class PlainWordsTests(TendingTestCase):
    def _read_from(self, address, *, actor, client, object_type="notes.sessionnote"):
        request = RequestFactory().get("/x/", REMOTE_ADDR=address)
        request.user = actor
        return audit_record(action="read", object_type=object_type, object_id=1, request=request, client=client)

    def test_an_entry_reads_as_a_sentence_of_who_did_what_to_whose_what_when_and_from_where(self):
        event = self._read_from("::ffff:10.0.0.1", actor=self.w.therapist.user, client=self.w.client_a)
        page = self.as_("owner").get(reverse("practice:audit_log"))
        local = timezone.localtime(event.at, self.w.practice.zone)
        expected = (
            f"{self.w.therapist.user.name} (therapist) read {_label(self.w.client_a)}’s session note "
            f"on {local:%-d %b %Y} at {local:%H:%M} from 10.0.0.1."
        )
        self.assertContains(page, expected)
        self.assertNotContains(page, "notes.sessionnote")

    def test_an_unknown_kind_of_record_falls_back_to_words(self):
        audit_record(
            action="update", object_type="care.leaving_note", actor=self.w.therapist.user, client=self.w.client_b
        )
        page = self.as_("owner").get(reverse("practice:audit_log"))
        self.assertContains(page, f"changed {_label(self.w.client_b)}’s leaving note")

    def test_a_sign_in_and_a_list_read_read_plainly(self):
        audit_record(action="login", object_type="accounts.user", actor=self.w.therapist.user)
        audit_record(
            action="read",
            object_type="risk.riskalert",
            object_id="list",
            actor=self.w.owner.user,
            detail={"list": True},
        )
        page = self.as_("owner").get(reverse("practice:audit_log"))
        self.assertContains(page, f"{self.w.therapist.user.name} (therapist) signed in on")
        self.assertContains(page, f"{self.w.owner.user.name} (owner) read the list of risk alerts on")

    def test_emergency_access_shows_the_reason_given(self):
        emergency_access_grant(
            owner=self.w.owner, client=self.w.client_a, reason="Ana is away and Cara rang in distress"
        )
        page = self.as_("owner").get(reverse("practice:audit_log"))
        self.assertContains(page, f"opened emergency access to {_label(self.w.client_a)}’s record")
        self.assertContains(page, "Reason given: “Ana is away and Cara rang in distress”")

    def test_the_page_costs_the_same_queries_with_emergency_rows_on_it(self):
        http = self.as_("owner")
        audit_record(
            action="read", object_type="notes.sessionnote", actor=self.w.therapist.user, client=self.w.client_a
        )
        http.get(reverse("practice:audit_log"))
        with self.assertNumQueries(7):
            http.get(reverse("practice:audit_log"))
        emergency_access_grant(owner=self.w.owner, client=self.w.client_a, reason="Out of hours call")
        with self.assertNumQueries(7):
            http.get(reverse("practice:audit_log"))

    def test_the_alerts_list_is_audited_as_a_bulk_read(self):
        self.as_("therapist").get(reverse("risk:list"))
        event = AuditEvent.objects.get(object_type="risk.riskalert", object_id="list")
        self.assertEqual(event.actor_id, self.w.therapist.user.uuid)
        self.assertEqual(event.practice_id, self.w.practice.uuid)
        self.assertTrue(event.detail["list"])


class CsvExportTests(TendingTestCase):
    def _rows(self, response):
        return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))

    def test_the_filtered_rows_download_as_csv_and_the_download_is_audited(self):
        audit_record(
            action="read", object_type="notes.sessionnote", actor=self.w.therapist.user, client=self.w.client_a
        )
        audit_record(action="read", object_type="journal.entry", actor=self.w.therapist.user, client=self.w.client_b)
        audit_record(action="read", object_type="notes.sessionnote", client=self.w.stranger)
        response = self.as_("owner").get(
            reverse("practice:audit_log"), {"client": str(self.w.client_a.uuid), "export": "csv"}
        )
        self.assertEqual(response["Content-Type"], "text/csv; charset=utf-8")
        self.assertIn("attachment;", response["Content-Disposition"])
        rows = self._rows(response)
        self.assertEqual(rows[0][:3], ["When", "What happened", "Client"])
        self.assertEqual(len(rows), 2)
        self.assertIn(f"read {_label(self.w.client_a)}’s session note", rows[1][1])
        export = AuditEvent.objects.get(action="export", object_type="audit.auditevent")
        self.assertEqual(export.actor_id, self.w.owner.user.uuid)
        self.assertEqual(export.detail["rows"], 1)
        self.assertEqual(export.detail["filters"], {"client": str(self.w.client_a.uuid)})

    def test_a_name_that_looks_like_a_formula_is_not_run_by_a_spreadsheet(self):
        user = self.w.client_a.user
        user.name = "=HYPERLINK(1)"
        user.save(update_fields=["name"])
        client = self.w.client_a
        if client.preferred_name:
            client.preferred_name = "=HYPERLINK(1)"
            client.save(update_fields=["preferred_name"])
        audit_record(action="read", object_type="notes.sessionnote", actor=self.w.therapist.user, client=client)
        rows = self._rows(self.as_("owner").get(reverse("practice:audit_log"), {"export": "csv"}))
        self.assertEqual(rows[-1][2], "'=HYPERLINK(1)")  # the oldest row: the read (the sign-in came after)

    def test_bad_filters_show_the_page_rather_than_export(self):
        response = self.as_("owner").get(reverse("practice:audit_log"), {"since": "soon", "export": "csv"})
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Please give a date like")
        self.assertFalse(AuditEvent.objects.filter(action="export").exists())


class BannerTests(TendingTestCase):
    def setUp(self):
        super().setUp()
        folder = tempfile.TemporaryDirectory()
        self.addCleanup(folder.cleanup)
        settings = override_settings(TENDING_AUDIT_CHECKPOINT=Path(folder.name) / "checkpoint.json")
        settings.enable()
        self.addCleanup(settings.disable)

    def test_the_owner_sees_a_banner_only_after_a_check_that_failed(self):
        event = audit_record(action="read", object_type="notes.sessionnote", client=self.w.client_a)
        call_command("audit_verify", stdout=StringIO())
        home = reverse("practice:owner_home")
        self.assertNotContains(self.as_("owner").get(home), "The audit log needs a look")
        table = AuditEvent._meta.db_table
        with connection.cursor() as cursor:
            if connection.vendor == "sqlite":
                cursor.execute("DROP TRIGGER IF EXISTS audit_event_no_update")
            else:
                cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER audit_event_append_only")
            cursor.execute(f"UPDATE {table} SET object_id = 'x' WHERE id = %s", [event.pk])  # noqa: S608
            if connection.vendor != "sqlite":
                cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER audit_event_append_only")
        with self.assertRaises(CommandError):
            call_command("audit_verify", stdout=StringIO())
        self.assertContains(self.as_("owner").get(home), "The audit log needs a look")
        # Another practice's owner is not told about this practice's log.
        self.assertNotContains(self.as_("outsider").get(home), "The audit log needs a look")

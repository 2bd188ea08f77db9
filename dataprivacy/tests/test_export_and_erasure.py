import datetime
import io
import json
import zipfile

import time_machine
from django.apps import apps
from django.core.management import call_command
from django.db import connection, models
from django.template.loader import render_to_string
from django.test import TestCase
from django.urls import reverse

from accounts.models import Invitation
from accounts.services import invitation_create
from audit.models import AuditEvent
from core.crypto import EncryptedTextField
from dataprivacy import registry
from dataprivacy.models import ErasureRequest
from dataprivacy.services import (
    erasure_complete,
    erasure_request,
    export_build,
    journey_document,
    journey_html,
    retention_run,
)
from dataprivacy.tasks import retention_daily
from measures.charts import GEOMETRY, journey_charts
from practice.models import Client, StaffMember

CANARY = "canary-7f3e-forget-me"


def _demo():
    call_command("seed_demo", password="demo-password-123", stdout=io.StringIO())
    cara = Client.objects.with_people().get(user__email="cara@demo.tending.test")
    dev = Client.objects.with_people().get(user__email="dev@demo.tending.test")
    return cara, dev


def _unzip(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def _identifiers(client) -> set[str]:
    """Every uuid of the client's rows, plus their name and email: what must not leak into someone else's export."""
    found = {str(client.uuid), client.user.email, client.user.name}
    for rule in registry.RULES:
        if any(f.name == "uuid" for f in rule.model._meta.concrete_fields):
            found.update(str(u) for u in registry.rows_for(rule, client).values_list("uuid", flat=True))
    return {value for value in found if value}


class ExportTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.cara, cls.dev = _demo()

    def test_the_export_of_client_a_is_complete_and_holds_nothing_of_client_b(self):
        files = _unzip(export_build(client=self.cara))
        self.assertIn("journey.pdf", files)
        self.assertTrue(files["journey.pdf"].startswith(b"%PDF"))
        data = json.loads(files["data.json"])
        # Complete: every exported section has exactly the client's rows (shared ones only, where that applies).
        for rule in registry.RULES:
            if rule.kind == registry.KEEP:
                continue
            with self.subTest(section=rule.name):
                expected = registry.rows_for(rule, self.cara, exported=True).count()
                self.assertEqual(len(data[rule.name]), expected)
                self.assertIn(f"csv/{rule.name}.csv", files)
        # The demo gives Cara real history, so this is not a pass over empty lists.
        for section in ("checkins", "journal", "safety_plan_versions", "questionnaire_answers", "practice_log"):
            with self.subTest(non_empty=section):
                self.assertTrue(data[section], f"the demo should give Cara some {section}")
        self.assertEqual(data["profile"][0]["email"], "cara@demo.tending.test")
        text = b"".join(content for name, content in files.items() if not name.endswith(".pdf")).decode()
        for value in _identifiers(self.dev):
            self.assertNotIn(value, text)
        self.assertIn("Seeing the sea again", data["safety_plan_versions"][-1]["reasons_for_living"])

    def test_the_export_leaves_out_the_practices_own_clinical_record_and_secrets(self):
        data = json.loads(_unzip(export_build(client=self.cara))["data.json"])
        self.assertNotIn("sessionnote", json.dumps(data).lower())
        for rows in data.values():
            for row in rows:
                self.assertFalse({"hypothesis", "stop_token", "manage_token", "video_token", "password"} & set(row))

    def test_an_export_is_audited_without_content(self):
        export_build(client=self.cara)
        event = AuditEvent.objects.get(action=AuditEvent.Action.EXPORT)
        self.assertEqual(event.client_id, self.cara.uuid)
        self.assertNotIn("sea", json.dumps(event.detail))

    def test_the_client_downloads_the_zip_with_one_action(self):
        self.client.force_login(self.cara.user, backend="accounts.backends.ModelBackend")
        response = self.client.post(reverse("dataprivacy:export"))
        self.assertEqual(response["Content-Type"], "application/zip")
        self.assertIn("attachment;", response["Content-Disposition"])
        self.assertIn("data.json", _unzip(response.content))


class ClassificationTests(TestCase):
    def test_every_client_model_is_classified_for_export_and_erasure(self):
        missing = [
            m._meta.label_lower for m in registry.client_models() if m._meta.label_lower not in registry.BY_LABEL
        ]
        self.assertEqual(missing, [], "classify these in dataprivacy/registry.py")


def _plant_canaries(client):
    """Put the canary into every free-text field of every row the client wrote, and their identifiers."""
    planted = 0
    for rule in registry.RULES:
        if rule.kind != registry.EXPORT_AND_DELETE:
            continue
        for obj in registry.rows_for(rule, client):
            changed = []
            for f in obj._meta.concrete_fields:
                if isinstance(f, models.TextField | models.CharField) and not f.choices and not f.unique:
                    if isinstance(f, models.EmailField) or f.name.endswith("slug") or not getattr(obj, f.attname):
                        continue  # only text that is there: keeps each row valid
                    value = f"{CANARY} {getattr(obj, f.attname) or ''}"[: f.max_length or None]
                    setattr(obj, f.attname, value)
                    changed.append(f.attname)
            if changed:
                obj.save(update_fields=changed)
                planted += 1
    client.preferred_name = CANARY
    client.save(update_fields=["preferred_name"])
    client.user.name = CANARY
    client.user.save(update_fields=["name"])
    return planted


def _canary_anywhere() -> list[str]:
    """Every place in the database the canary still is: read through the ORM (decrypting) and raw."""
    found = []
    for model in apps.get_models():
        text_fields = [
            f.attname
            for f in model._meta.concrete_fields
            if isinstance(f, models.TextField | models.CharField | models.JSONField | EncryptedTextField)
        ]
        if not text_fields:
            continue
        for row in model._default_manager.values_list(*text_fields):
            if any(CANARY in str(value) for value in row):
                found.append(model._meta.label_lower)
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608 - names from introspection
            if any(CANARY in str(value) for row in cursor.fetchall() for value in row):
                found.append(table)
    return sorted(set(found))


class ErasureTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.cara, cls.dev = _demo()
        cls.owner = StaffMember.objects.get(user__email="owner@demo.tending.test")
        cls.ana = StaffMember.objects.get(user__email="ana@demo.tending.test")

    def test_erasure_deletes_every_canary_and_keeps_the_restricted_record(self):
        planted = _plant_canaries(self.cara)
        self.assertGreater(planted, 10)
        self.assertNotEqual(_canary_anywhere(), [])
        dev_before = {r.label: registry.rows_for(r, self.dev).count() for r in registry.RULES}
        kept_before = {
            r.label: registry.rows_for(r, self.cara).count() for r in registry.RULES if r.kind == registry.KEEP
        }

        erasure = erasure_request(client=self.cara)
        erasure_complete(erasure=erasure, owner=self.owner)

        self.assertEqual(_canary_anywhere(), [])
        self.cara.refresh_from_db()
        self.cara.user.refresh_from_db()
        self.assertFalse(self.cara.user.is_active)
        self.assertFalse(self.cara.user.has_usable_password())
        self.assertTrue(self.cara.user.email.endswith("@erased.invalid"))
        for rule in registry.RULES:
            if rule.kind == registry.EXPORT_AND_DELETE:
                self.assertEqual(registry.rows_for(rule, self.cara).count(), 0, rule.label)
        # What the practice must keep is kept...
        kept_after = {
            r.label: registry.rows_for(r, self.cara).count() for r in registry.RULES if r.kind == registry.KEEP
        }
        self.assertEqual(kept_after, {**kept_before, "dataprivacy.erasurerequest": 1})
        # ...and nothing of anyone else changed.
        self.assertEqual({r.label: registry.rows_for(r, self.dev).count() for r in registry.RULES}, dev_before)
        erasure.refresh_from_db()
        self.assertEqual(erasure.retain_until.year, datetime.date.today().year + 20)

    def test_the_restricted_record_is_hidden_from_the_therapists_normal_views(self):
        erasure_complete(erasure=erasure_request(client=self.cara), owner=self.owner)
        http = self.client
        http.force_login(self.ana.user, backend="accounts.backends.ModelBackend")
        self.assertEqual(
            http.get(reverse("practice:client_detail", kwargs={"client_uuid": self.cara.uuid})).status_code, 404
        )
        self.assertNotIn(self.cara, list(Client.objects.for_therapist(self.ana)))
        self.assertNotContains(http.get(reverse("caseload:home")), "Cara")

    def test_the_client_asks_and_the_owner_completes_through_the_pages(self):
        http = self.client
        http.force_login(self.cara.user, backend="accounts.backends.ModelBackend")
        refused = http.post(reverse("dataprivacy:erase_request"), {})
        self.assertContains(refused, "There is no rush")
        self.assertFalse(ErasureRequest.objects.exists())
        http.post(reverse("dataprivacy:erase_request"), {"understood": "on"})
        self.assertTrue(ErasureRequest.objects.pending().filter(client=self.cara).exists())

        owner = self.client_class()
        owner.force_login(self.owner.user, backend="accounts.backends.ModelBackend")
        self.assertContains(owner.get(reverse("dataprivacy:requests")), "Review and complete")
        url = reverse("dataprivacy:complete", kwargs={"client_uuid": self.cara.uuid})
        wrong = owner.post(url, {"confirm": "yes"})
        self.assertContains(wrong, "Nothing has been deleted")
        owner.post(url, {"confirm": "ERASE"})
        self.assertTrue(ErasureRequest.objects.restricted().filter(client=self.cara).exists())
        # Signed out everywhere, and cannot sign in again.
        self.assertEqual(http.get(reverse("dataprivacy:mine")).status_code, 302)
        event = AuditEvent.objects.get(object_type="dataprivacy.erasure")
        self.assertNotIn(CANARY, json.dumps(event.detail))

    def test_a_client_can_withdraw_their_request(self):
        http = self.client
        http.force_login(self.cara.user, backend="accounts.backends.ModelBackend")
        http.post(reverse("dataprivacy:erase_request"), {"understood": "on"})
        http.post(reverse("dataprivacy:erase_cancel"))
        self.assertFalse(ErasureRequest.objects.pending().exists())


class RetentionTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.cara, cls.dev = _demo()
        cls.owner = StaffMember.objects.get(user__email="owner@demo.tending.test")

    def test_restricted_records_go_when_their_period_ends_and_not_before(self):
        erasure_complete(erasure=erasure_request(client=self.cara), owner=self.owner)
        retain_until = ErasureRequest.objects.get().retain_until
        with time_machine.travel(datetime.datetime.combine(retain_until, datetime.time(12), tzinfo=datetime.UTC)):
            self.assertEqual(retention_run()["restricted_records"], 0)
        self.assertTrue(Client.objects.filter(pk=self.cara.pk).exists())
        later = retain_until + datetime.timedelta(days=1)
        with time_machine.travel(datetime.datetime.combine(later, datetime.time(12), tzinfo=datetime.UTC)):
            self.assertEqual(retention_run()["restricted_records"], 1)
        self.assertFalse(Client.objects.filter(pk=self.cara.pk).exists())
        self.assertTrue(Client.objects.filter(pk=self.dev.pk).exists())

    def test_expired_invitations_are_deleted_after_a_week(self):
        invitation_create(
            invited_by=self.owner, email="new@example.test", name="New Person", role=Invitation.Role.THERAPIST
        )
        with time_machine.travel(datetime.timedelta(days=30)):
            self.assertEqual(retention_run()["invitations"], 1)
        self.assertFalse(Invitation.objects.filter(email="new@example.test").exists())

    def test_the_retention_job_runs_on_the_worker(self):
        result = retention_daily.enqueue()
        self.assertEqual(result.status, "SUCCESSFUL")
        self.assertEqual(
            set(result.return_value), {"consultations", "invitations", "ended_spaces", "restricted_records", "emails"}
        )


class PdfTests(TestCase):
    def test_hostile_text_is_printed_as_text_in_the_journey_pdf(self):
        payload = "<script>alert(1)</script><img src=x onerror=alert(1)>"
        sections = {
            "journal": [{"created_at": "2026-11-01", "body": payload}],
            "safety_plan_versions": [
                {
                    k: payload
                    for k in (
                        "warning_signs",
                        "coping_alone",
                        "distractions",
                        "people_to_ask",
                        "professionals",
                        "safer_surroundings",
                        "reasons_for_living",
                    )
                }
            ],
            "selfcare_plan": [{"text": payload}],
            "formulation_causes": [{"client_wording": payload}],
            "checkins": [
                {"local_date": payload, "mood": 3, "peace": 4, "self_kindness": 5},
                {"local_date": "2026-11-02", "mood": 6, "peace": 6, "self_kindness": 6},
            ],
        }
        cara, _ = _demo()
        html = render_to_string(
            "dataprivacy/journey_pdf.html",
            {"client": cara, "sections": sections, "charts": journey_charts(sections), "g": GEOMETRY},
        )
        self.assertNotIn("<script>", html)
        self.assertNotIn("<img", html)
        self.assertIn("&lt;script&gt;", html)

    def test_the_journey_pdf_has_charts_and_pages(self):
        cara, _ = _demo()
        sections = registry.collect(cara)
        self.assertTrue(_unzip(export_build(client=cara))["journey.pdf"].startswith(b"%PDF"))
        html = journey_html(cara, sections)
        self.assertGreaterEqual(html.count("<svg"), 3)  # mood, peace, kindness, and each questionnaire
        self.assertIn("Seeing the sea again", html)
        # Questionnaires by their own names, in the charts' titles and in the table, never their codes.
        self.assertIn("<td>PHQ-9</td>", html)
        self.assertNotRegex(html, r">\s*(phq9|gad7)\b")
        self.assertGreaterEqual(len(journey_document(cara, sections).pages), 2)

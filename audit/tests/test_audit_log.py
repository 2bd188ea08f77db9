from django.db import DatabaseError, connection, transaction
from django.test import RequestFactory
from django.urls import reverse

from audit.models import AuditEvent
from audit.services import GENESIS, audit_record, audit_verify
from tending.testing.personas import TendingTestCase


class AuditLogTests(TendingTestCase):
    def test_a_therapist_reading_a_client_record_is_audited(self):
        self.as_("therapist").get(reverse("practice:client_detail", kwargs={"client_uuid": self.w.client_a.uuid}))
        event = AuditEvent.objects.get(action=AuditEvent.Action.READ)
        self.assertEqual(event.actor_id, self.w.therapist.user.uuid)
        self.assertEqual(event.actor_role, "therapist")
        self.assertEqual(event.client_id, self.w.client_a.uuid)
        self.assertEqual(event.practice_id, self.w.practice.uuid)
        self.assertEqual(event.ip, "127.0.0.1")

    def test_a_refused_read_leaves_no_trace_of_the_record(self):
        self.as_("colleague").get(reverse("practice:client_detail", kwargs={"client_uuid": self.w.client_a.uuid}))
        self.assertFalse(AuditEvent.objects.filter(action=AuditEvent.Action.READ).exists())

    def test_a_path_is_audited_without_the_token_it_carries(self):
        request = RequestFactory().get(
            reverse("accounts:invitation", kwargs={"token": "s3cret-invitation-token-abcdef"})
        )
        event = audit_record(action="login", object_type="accounts.user", request=request)
        self.assertNotIn("s3cret", event.path)
        self.assertTrue(event.path.endswith("/invitation/<token>/"), event.path)

    def test_events_are_chained_and_the_chain_verifies(self):
        for n in range(3):
            audit_record(action="read", object_type="test.thing", object_id=n, client=self.w.client_a)
        events = list(AuditEvent.objects.order_by("id"))
        self.assertEqual(events[0].prev_hash, GENESIS)
        for before, after in zip(events, events[1:], strict=False):
            self.assertEqual(after.prev_hash, before.hash)
        self.assertEqual(audit_verify(), (3, []))

    def test_the_database_refuses_to_edit_an_event(self):
        audit_record(action="read", object_type="test.thing", object_id=1)
        with self.assertRaises(DatabaseError), transaction.atomic():
            AuditEvent.objects.update(object_id="changed")

    def test_an_event_edited_behind_the_apps_back_is_found(self):
        for n in range(3):
            audit_record(action="read", object_type="test.thing", object_id=n)
        middle = AuditEvent.objects.order_by("id")[1]
        table = AuditEvent._meta.db_table
        with connection.cursor() as cursor:
            if connection.vendor == "sqlite":
                cursor.execute("DROP TRIGGER audit_event_no_update")
            else:
                cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER audit_event_append_only")
            cursor.execute(f"UPDATE {table} SET object_id = 'tampered' WHERE id = %s", [middle.id])  # noqa: S608
        self.assertEqual(audit_verify(), (3, [middle.id]))

    def test_the_owner_sees_only_their_practices_events(self):
        audit_record(action="read", object_type="test.thing", client=self.w.client_a)
        audit_record(action="read", object_type="test.thing", client=self.w.stranger)
        page = self.as_("owner").get(reverse("practice:audit_log"))
        about_clients = [e.client_id for e in page.context["events"] if e.client_id]
        self.assertEqual(about_clients, [self.w.client_a.uuid])

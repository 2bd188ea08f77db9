import datetime
import tempfile
from io import StringIO
from pathlib import Path

import time_machine
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import override_settings
from django.urls import reverse

from audit.forms import NAME_MATCHES
from audit.models import AuditEvent
from audit.services import audit_record
from tending.testing.factories import ClientFactory, UserFactory
from tending.testing.personas import TendingTestCase


def _label(client):
    return client.preferred_name or client.user.name


def _tamper(event_id, column="object_id", value="tampered"):
    """Change a row the way someone with database access would: around the app and its trigger."""
    table = AuditEvent._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("DROP TRIGGER IF EXISTS audit_event_no_update")
        else:
            cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER audit_event_append_only")
        cursor.execute(f"UPDATE {table} SET {column} = %s WHERE id = %s", [value, event_id])  # noqa: S608
        if connection.vendor != "sqlite":
            cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER audit_event_append_only")


class AuditVerifyCommandTests(TendingTestCase):
    def setUp(self):
        super().setUp()
        # A checkpoint of its own: one left by another test (the clock runs audit_verify --checkpoint) is not ours.
        folder = tempfile.TemporaryDirectory()
        self.addCleanup(folder.cleanup)
        settings = override_settings(TENDING_AUDIT_CHECKPOINT=Path(folder.name) / "checkpoint.json")
        settings.enable()
        self.addCleanup(settings.disable)

    def test_the_command_reports_an_intact_chain(self):
        for n in range(4):
            audit_record(action="read", object_type="test.thing", object_id=n)
        out = StringIO()
        call_command("audit_verify", stdout=out)
        self.assertIn("4 rows checked", out.getvalue())

    def test_the_command_fails_and_names_the_row_edited_behind_the_apps_back(self):
        events = [audit_record(action="read", object_type="test.thing", object_id=n) for n in range(5)]
        _tamper(events[2].id)
        with self.assertRaises(CommandError) as caught:
            call_command("audit_verify", stdout=StringIO())
        self.assertIn(f"ids {events[2].id}", str(caught.exception))
        self.assertIn("1 of 5 rows checked do not hold", str(caught.exception))

    def test_a_rewritten_hash_breaks_the_next_row(self):
        events = [audit_record(action="read", object_type="test.thing", object_id=n) for n in range(3)]
        _tamper(events[1].id, column="hash", value="f" * 64)
        with self.assertRaises(CommandError) as caught:
            call_command("audit_verify", stdout=StringIO())
        self.assertIn(f"{events[1].id}, {events[2].id}", str(caught.exception))

    def test_a_deleted_row_is_found(self):
        events = [audit_record(action="read", object_type="test.thing", object_id=n) for n in range(3)]
        with connection.cursor() as cursor:
            if connection.vendor != "sqlite":
                cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER audit_event_append_only")
            cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [events[1].id])
        with self.assertRaises(CommandError) as caught:
            call_command("audit_verify", stdout=StringIO())
        self.assertIn(f"rows 2 are missing (the row after them is {events[2].id})", str(caught.exception))


# The owner reads the log a few days after the events below: every request and row of these tests is
# on that clock, so the dates the filters name stay the past whatever day the suite runs.
@time_machine.travel(datetime.datetime(2026, 3, 10, 9, tzinfo=datetime.UTC), tick=False)
class AuditPageTests(TendingTestCase):
    def _events(self):
        w = self.w
        with time_machine.travel(datetime.datetime(2026, 3, 1, 10, tzinfo=datetime.UTC), tick=False):
            audit_record(action="read", object_type="notes.note", actor=w.therapist.user, client=w.client_a)
        with time_machine.travel(datetime.datetime(2026, 3, 5, 10, tzinfo=datetime.UTC), tick=False):
            audit_record(action="update", object_type="journal.entry", actor=w.client_b.user, client=w.client_b)
            audit_record(action="export", object_type="dataprivacy.export", actor=w.client_a.user, client=w.client_a)
        audit_record(action="read", object_type="notes.note", actor=w.outsider.user, client=w.stranger)

    def test_the_owner_filters_by_action(self):
        self._events()
        page = self.as_("owner").get(reverse("practice:audit_log"), {"action": "export"})
        self.assertEqual([e.object_type for e in page.context["events"]], ["dataprivacy.export"])

    def test_the_owner_filters_by_person_and_sees_their_name(self):
        self._events()
        page = self.as_("owner").get(reverse("practice:audit_log"), {"person": str(self.w.therapist.user.uuid)})
        self.assertEqual([e.object_type for e in page.context["events"]], ["notes.note"])
        self.assertContains(page, self.w.therapist.user.name)

    def test_the_owner_filters_by_client(self):
        self._events()
        page = self.as_("owner").get(reverse("practice:audit_log"), {"client": str(self.w.client_a.uuid)})
        self.assertEqual({e.client_id for e in page.context["events"]}, {self.w.client_a.uuid})
        self.assertEqual(len(page.context["events"]), 2)

    def test_the_owner_filters_by_dates_in_the_practices_time_zone(self):
        self._events()
        page = self.as_("owner").get(reverse("practice:audit_log"), {"since": "2026-03-02", "until": "2026-03-05"})
        self.assertEqual(sorted(e.object_type for e in page.context["events"]), ["dataprivacy.export", "journal.entry"])

    def test_another_practices_people_are_not_offered_or_shown(self):
        self._events()
        page = self.as_("owner").get(reverse("practice:audit_log"), {"person": str(self.w.outsider.user.uuid)})
        self.assertEqual(page.status_code, 200)
        self.assertContains(page, "Please choose from the list.")
        self.assertNotContains(page, self.w.outsider.user.name)
        self.assertNotIn(self.w.stranger.uuid, {e.client_id for e in page.context["events"]})

    def test_a_bad_date_gets_a_kind_message_and_keeps_what_was_typed(self):
        page = self.as_("owner").get(reverse("practice:audit_log"), {"since": "the fifth", "until": ""})
        self.assertEqual(page.status_code, 200)
        self.assertContains(page, "Please give a date like")
        self.assertContains(page, 'value="the fifth"')

    def test_dates_the_wrong_way_round_are_explained(self):
        page = self.as_("owner").get(reverse("practice:audit_log"), {"since": "2026-03-05", "until": "2026-03-01"})
        self.assertContains(page, "please swap them")

    def test_the_log_is_read_a_page_at_a_time_with_a_fixed_number_of_queries(self):
        for n in range(120):
            audit_record(action="read", object_type="test.thing", object_id=n, client=self.w.client_a)
        http = self.as_("owner")
        http.get(reverse("practice:audit_log"))
        # Session, user, staff for the filter (whose names the rows use too), the page, the clients named on it,
        # emergency reasons, and open alerts in the navigation. Never a count of the whole log.
        with self.assertNumQueries(7):
            first = http.get(reverse("practice:audit_log"), {"action": "read"})
        self.assertEqual([e.object_id for e in first.context["events"]], [str(n) for n in range(119, 69, -1)])
        older = first.context["older"]
        self.assertContains(first, f"action=read&amp;before={older}")
        self.assertIsNone(first.context["newer"])
        with self.assertNumQueries(7):
            second = http.get(reverse("practice:audit_log"), {"action": "read", "before": older})
        self.assertEqual([e.object_id for e in second.context["events"]], [str(n) for n in range(69, 19, -1)])
        last = http.get(reverse("practice:audit_log"), {"action": "read", "before": second.context["older"]})
        self.assertEqual([e.object_id for e in last.context["events"]], [str(n) for n in range(19, -1, -1)])
        self.assertIsNone(last.context["older"])
        # Back towards the newest: the fifty entries just newer than the oldest page, newest first.
        back = http.get(reverse("practice:audit_log"), {"action": "read", "after": last.context["newer"]})
        self.assertEqual([e.object_id for e in back.context["events"]], [str(n) for n in range(69, 19, -1)])
        self.assertContains(back, "Newer entries")
        newest = http.get(reverse("practice:audit_log"), {"action": "read", "after": back.context["newer"]})
        self.assertEqual([e.object_id for e in newest.context["events"]], [str(n) for n in range(119, 69, -1)])
        self.assertIsNone(newest.context["newer"])
        for nonsense in ({"before": "nonsense"}, {"after": "-"}, {"page": "3"}, {"before": "9" * 30}, {"after": "-5"}):
            page = http.get(reverse("practice:audit_log"), nonsense)
            self.assertEqual(page.status_code, 200)
            self.assertEqual(len(page.context["events"]), 50)

    def test_a_client_is_found_by_part_of_their_name(self):
        self._events()
        owner = self.as_("owner")
        page = owner.get(reverse("practice:audit_log"), {"name": "ara Cli"})
        self.assertEqual({e.client_id for e in page.context["events"]}, {self.w.client_a.uuid})
        self.assertContains(page, f"Entries about {_label(self.w.client_a)}.")
        page = owner.get(reverse("practice:audit_log"), {"name": "nobody-has-this-name"})
        self.assertEqual(list(page.context["events"]), [])
        self.assertContains(page, "No client’s name or email holds “nobody-has-this-name”.")
        # What is typed wins over the client a link named.
        page = owner.get(reverse("practice:audit_log"), {"client": str(self.w.client_a.uuid), "name": "dev@willow"})
        self.assertEqual({e.client_id for e in page.context["events"]}, {self.w.client_b.uuid})

    def test_another_practices_client_is_never_found_by_name_or_link(self):
        self._events()
        owner = self.as_("owner")
        page = owner.get(reverse("practice:audit_log"), {"name": "Sam Stranger"})
        self.assertEqual(list(page.context["events"]), [])
        self.assertNotContains(page, "Sam Stranger</")
        page = owner.get(reverse("practice:audit_log"), {"client": str(self.w.stranger.uuid)})
        self.assertEqual(list(page.context["events"]), [])
        self.assertContains(page, "That link names no client of the practice.")
        page = owner.get(reverse("practice:audit_log"), {"client": "not-a-uuid"})
        self.assertEqual(page.status_code, 200)
        self.assertContains(page, "That link names no client: please search by name.")

    def test_a_name_many_clients_share_narrows_the_log_to_the_first_few_and_says_so(self):
        for n in range(NAME_MATCHES + 1):
            ClientFactory(
                therapist=self.w.therapist, user=UserFactory(email=f"ash{n}@willow.test", name=f"Ash Person {n:02d}")
            )
        page = self.as_("owner").get(reverse("practice:audit_log"), {"name": "Ash Person"})
        self.assertContains(page, f"Entries about the first {NAME_MATCHES} clients whose name holds “Ash Person”")

"""The keyed, per-practice chains hold against someone with database access (run on SQLite and PostgreSQL)."""

import hashlib
import json
import tempfile
from io import StringIO
from pathlib import Path

from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import RequestFactory, override_settings

from audit.checkpoints import checkpoint_load
from audit.models import LEGACY, SYSTEM, AuditChain, AuditEvent
from audit.services import GENESIS, audit_record, audit_verify, normalise_ip
from tending.testing.personas import TendingTestCase

TABLE = AuditEvent._meta.db_table
OTHER_KEY = "new2:bmV3LWF1ZGl0LWtleS1mb3ItdGhlLXJvdGF0aW9uLTI="


def _behind_the_apps_back(*statements):
    """Run SQL the way an insider would: around the app and the append-only trigger."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("DROP TRIGGER IF EXISTS audit_event_no_update")
        else:
            cursor.execute(f"ALTER TABLE {TABLE} DISABLE TRIGGER audit_event_append_only")
        for sql, params in statements:
            cursor.execute(sql, params)
        if connection.vendor != "sqlite":
            cursor.execute(f"ALTER TABLE {TABLE} ENABLE TRIGGER audit_event_append_only")


def _verify(*args) -> str:
    """Run the command; the output if it held, else raise the CommandError."""
    out = StringIO()
    call_command("audit_verify", *args, stdout=out)
    return out.getvalue()


class ChainTestCase(TendingTestCase):
    def setUp(self):
        super().setUp()
        folder = tempfile.TemporaryDirectory()
        self.addCleanup(folder.cleanup)
        self.checkpoint = Path(folder.name) / "audit-checkpoint.json"
        settings = override_settings(TENDING_AUDIT_CHECKPOINT=self.checkpoint)
        settings.enable()
        self.addCleanup(settings.disable)

    def _reads(self, n, client=None):
        return [
            audit_record(action="read", object_type="notes.sessionnote", object_id=i, client=client or self.w.client_a)
            for i in range(n)
        ]


class PerPracticeChainTests(ChainTestCase):
    def test_each_practice_has_its_own_chain_starting_at_row_one(self):
        ours = self._reads(3)
        theirs = self._reads(2, client=self.w.stranger)
        self.assertEqual([e.seq for e in ours], [1, 2, 3])
        self.assertEqual([e.seq for e in theirs], [1, 2])
        self.assertEqual(ours[0].prev_hash, GENESIS)
        self.assertEqual(theirs[0].prev_hash, GENESIS)
        self.assertEqual(ours[2].prev_hash, ours[1].hash)
        self.assertEqual({e.chain for e in ours}, {str(self.w.practice.uuid)})
        self.assertEqual(audit_verify(), (5, []))

    def test_an_event_of_no_practice_has_a_chain_too(self):
        event = audit_record(action="login_failed", object_type="accounts.user", detail={"reason": "unknown"})
        self.assertEqual((event.chain, event.seq), (SYSTEM, 1))
        self.assertEqual(audit_verify(), (1, []))

    def test_rows_are_signed_with_the_audit_key_and_name_it(self):
        event = self._reads(1)[0]
        self.assertEqual(event.key_id, "dev1")
        plain = hashlib.sha256((event.prev_hash + event.canonical()).encode()).hexdigest()
        self.assertNotEqual(event.hash, plain)

    def test_an_old_key_still_verifies_after_rotation_and_a_missing_key_is_named(self):
        old = self._reads(2)
        with override_settings(TENDING_AUDIT_KEYS=f"{OTHER_KEY},{settings.TENDING_AUDIT_KEYS}"):
            new = self._reads(1)[0]
            self.assertEqual(new.key_id, "new2")
            self.assertIn("3 rows checked", _verify("--full"))
        with self.assertRaises(CommandError) as caught:
            _verify("--full")
        self.assertIn("audit key 'new2', not in the ring", str(caught.exception))
        self.assertNotIn(f"{old[0].id},", str(caught.exception))


class InsiderTests(ChainTestCase):
    """What someone with the database, but not the audit key, might try."""

    def test_a_row_rewritten_and_rehashed_with_plain_sha256_is_reported(self):
        events = self._reads(4)
        target = AuditEvent.objects.get(pk=events[1].pk)
        target.object_id = "something-else"
        forged = hashlib.sha256((target.prev_hash + target.canonical()).encode()).hexdigest()
        _behind_the_apps_back(
            (f"UPDATE {TABLE} SET object_id = %s, hash = %s WHERE id = %s", ["something-else", forged, target.pk]),  # noqa: S608
            (f"UPDATE {TABLE} SET prev_hash = %s WHERE id = %s", [forged, events[2].pk]),  # noqa: S608
        )
        with self.assertRaises(CommandError) as caught:
            _verify("--full")
        self.assertIn(f"row {events[1].id} was changed after it was written", str(caught.exception))
        # The next row signed the old link: re-pointing it breaks its own signature.
        self.assertEqual(audit_verify()[1], [events[1].id, events[2].id])

    def test_the_newest_rows_deleted_after_a_checkpoint_are_reported(self):
        events = self._reads(5)
        _verify("--checkpoint")
        _behind_the_apps_back(
            (f"DELETE FROM {TABLE} WHERE id IN (%s, %s)", [events[3].pk, events[4].pk]),  # noqa: S608
        )
        # The chain alone still looks whole: that is what the checkpoint is for.
        self.assertEqual(audit_verify(), (3, []))
        for mode in ((), ("--full",)):
            with self.subTest(mode=mode), self.assertRaises(CommandError) as caught:
                _verify(*mode)
            self.assertIn("had 5 rows at the checkpoint", str(caught.exception))
            self.assertIn("now has 3 rows: the newest were deleted", str(caught.exception))

    def test_an_emptied_table_is_reported(self):
        self._reads(3)
        audit_record(action="login_failed", object_type="accounts.user")
        _verify("--checkpoint")
        if connection.vendor == "postgresql":
            _behind_the_apps_back((f"TRUNCATE {TABLE}", []))
        else:
            _behind_the_apps_back((f"DELETE FROM {TABLE}", []))  # noqa: S608
        with self.assertRaises(CommandError) as caught:
            _verify()
        message = str(caught.exception)
        self.assertIn(f"chain {self.w.practice.uuid}: the chain had 3 rows", message)
        self.assertIn("chain system: the chain had 1 rows", message)
        self.assertIn("now has no rows", message)

    def test_a_row_deleted_from_the_middle_is_reported(self):
        events = self._reads(4)
        _behind_the_apps_back((f"DELETE FROM {TABLE} WHERE id = %s", [events[1].pk]))  # noqa: S608
        with self.assertRaises(CommandError) as caught:
            _verify()
        self.assertIn(f"rows 2 are missing (the row after them is {events[2].id})", str(caught.exception))

    def test_a_row_moved_to_another_practice_is_reported(self):
        events = self._reads(2)
        _behind_the_apps_back(
            (f"UPDATE {TABLE} SET practice_id = %s WHERE id = %s", [self.w.outsider.practice.uuid.hex, events[1].pk]),  # noqa: S608
        )
        self.assertEqual(audit_verify()[1], [events[1].id])


class CheckpointTests(ChainTestCase):
    def test_a_checkpoint_is_written_only_when_everything_holds_and_is_signed(self):
        events = self._reads(3)
        self.assertIn("Checkpoint written", _verify("--checkpoint"))
        saved = checkpoint_load(self.checkpoint)
        self.assertEqual(saved["chains"][str(self.w.practice.uuid)], {"rows": 3, "head": events[2].hash})
        self.assertEqual(saved["key_id"], "dev1")
        before = self.checkpoint.read_text()
        _behind_the_apps_back((f"DELETE FROM {TABLE} WHERE id = %s", [events[2].pk]))  # noqa: S608
        with self.assertRaises(CommandError) as caught:
            _verify("--checkpoint")
        self.assertIn("No new checkpoint was written", str(caught.exception))
        self.assertEqual(self.checkpoint.read_text(), before)

    def test_a_changed_checkpoint_file_is_reported(self):
        self._reads(3)
        _verify("--checkpoint")
        data = json.loads(self.checkpoint.read_text())
        data["chains"][str(self.w.practice.uuid)]["rows"] = 1
        self.checkpoint.write_text(json.dumps(data))
        with self.assertRaises(CommandError) as caught:
            _verify()
        self.assertIn("its signature does not match", str(caught.exception))

    def test_the_quick_check_starts_at_the_checkpoint_and_the_full_one_at_row_one(self):
        self._reads(6)
        _verify("--checkpoint")
        self._reads(2)
        self.assertIn("from the last checkpoint): 3 rows checked", _verify())
        self.assertIn("from the first row): 8 rows checked", _verify("--full"))

    def test_the_quick_check_finds_a_chain_begun_after_the_checkpoint(self):
        self._reads(3)
        _verify("--checkpoint")
        self.assertEqual(checkpoint_load(self.checkpoint)["last_id"], AuditEvent.objects.order_by("-id")[0].id)
        theirs = self._reads(2, client=self.w.stranger)
        self.assertIn("2 chains, from the last checkpoint): 3 rows checked", _verify())
        _behind_the_apps_back((f"UPDATE {TABLE} SET object_id = 'x' WHERE id = %s", [theirs[0].pk]))  # noqa: S608
        with self.assertRaises(CommandError) as caught:
            _verify()
        self.assertIn(f"chain {self.w.stranger.practice.uuid}: row {theirs[0].id} was changed", str(caught.exception))

    def test_the_result_is_kept_on_the_chains_head_row(self):
        events = self._reads(2)
        _verify()
        self.assertTrue(AuditChain.objects.get(name=str(self.w.practice.uuid)).verified_ok)
        _behind_the_apps_back((f"UPDATE {TABLE} SET object_id = 'x' WHERE id = %s", [events[0].pk]))  # noqa: S608
        with self.assertRaises(CommandError):
            _verify()
        chain = AuditChain.objects.get(name=str(self.w.practice.uuid))
        self.assertFalse(chain.verified_ok)
        self.assertIn("was changed after it was written", chain.problem)

    def test_a_legacy_segment_verifies_the_old_way_and_is_sealed_by_the_checkpoint(self):
        previous = GENESIS
        rows = []
        for n in range(3):
            event = AuditEvent(action="read", object_type="test.thing", object_id=str(n), prev_hash=previous)
            event.hash = previous = hashlib.sha256((event.prev_hash + event.canonical()).encode()).hexdigest()
            event.save(force_insert=True)
            rows.append(event)
        self.assertEqual(AuditEvent.objects.filter(chain=LEGACY).count(), 3)
        self._reads(1)
        self.assertEqual(audit_verify(), (4, []))
        _verify("--checkpoint")
        # An insider can re-hash the unkeyed segment, but not match the signed checkpoint.
        _behind_the_apps_back((f"DELETE FROM {TABLE} WHERE id = %s", [rows[2].pk]))  # noqa: S608
        self.assertEqual(audit_verify(), (3, []))
        with self.assertRaises(CommandError) as caught:
            _verify()
        self.assertIn("chain legacy: the chain had 3 rows", str(caught.exception))


class AddressTests(ChainTestCase):
    def test_addresses_are_normalised_before_hashing(self):
        self.assertEqual(normalise_ip("::ffff:10.0.0.1"), "10.0.0.1")
        self.assertEqual(normalise_ip("2001:DB8:0:0::1"), "2001:db8::1")
        self.assertEqual(normalise_ip("fe80::1%eth0"), "fe80::1")
        self.assertIsNone(normalise_ip("not an address"))
        self.assertIsNone(normalise_ip(""))

    def test_an_ipv4_mapped_address_is_stored_as_hashed_and_verifies(self):
        for address in ("::ffff:10.0.0.1", "2001:0DB8:0000::0001"):
            request = RequestFactory().get("/somewhere/", REMOTE_ADDR=address)
            request.user = self.w.therapist.user
            audit_record(action="read", object_type="notes.sessionnote", request=request, client=self.w.client_a)
        stored = list(AuditEvent.objects.order_by("id").values_list("ip", flat=True))
        self.assertEqual(stored, ["10.0.0.1", "2001:db8::1"])
        self.assertEqual(audit_verify(), (2, []))

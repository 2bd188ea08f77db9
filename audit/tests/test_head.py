"""Each chain's head row keeps its newest row (audit/services.py): one statement finds an append's place, one
writes it (two on SQLite), and the migration that added the head found it for chains already written."""

import importlib

import pytest
from django.apps import apps
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from audit.models import AuditChain, AuditEvent
from audit.services import audit_record, audit_verify
from tending.testing.factories import PracticeFactory

pytestmark = pytest.mark.django_db


def _heads() -> dict:
    return dict(
        (name, (seq, digest)) for name, seq, digest in AuditChain.objects.values_list("name", "head_seq", "head_hash")
    )


def _newest() -> dict:
    newest = {}
    for chain, seq, digest in AuditEvent.objects.exclude(seq=None).order_by("seq").values_list("chain", "seq", "hash"):
        newest[chain] = (seq, digest)
    return newest


def test_each_chains_head_is_its_newest_row_and_the_chains_verify():
    practices = [PracticeFactory(), PracticeFactory()]
    for n in range(5):
        audit_record(action="read", object_type="test.thing", object_id=str(n), practice=practices[n % 2])
    assert _heads() == _newest()
    assert {str(practice.uuid) for practice in practices} <= set(_heads())
    assert audit_verify()[1] == []


def test_an_append_is_two_statements_on_postgresql_and_three_on_sqlite():
    practice = PracticeFactory()
    audit_record(action="read", object_type="test.thing", object_id="first", practice=practice)
    with CaptureQueriesContext(connection) as captured:
        event = audit_record(action="read", object_type="test.thing", object_id="second", practice=practice)
    statements = [q["sql"] for q in captured.captured_queries if not q["sql"].startswith(("SAVEPOINT", "RELEASE"))]
    assert len(statements) == (2 if connection.vendor == "postgresql" else 3), statements
    assert AuditEvent.objects.get(pk=event.pk).hash == event.hash and event.seq == 2


def test_the_migration_found_each_head_of_chains_already_written():
    practice = PracticeFactory()
    for n in range(3):
        audit_record(action="read", object_type="test.thing", object_id=str(n), practice=practice)
    expected = _heads()
    AuditChain.objects.all().delete()
    migration = importlib.import_module("audit.migrations.0007_chain_keeps_its_head")
    migration.keep_each_head(apps, None)
    assert _heads() == expected == _newest()


def test_a_row_reads_back_as_it_was_written_by_the_statement_kept_for_the_process():
    """The insert is written once per process (``_insert_and_move``) and each event's values put in it: every field of
    two appends, one after the other, reads back as it was signed, and the chain verifies."""
    practice = PracticeFactory()
    written = [
        audit_record(
            action="read",
            object_type="test.thing",
            object_id=f"thing-{n}",
            practice=practice,
            request=RequestFactory().get(f"/clients/{n}", REMOTE_ADDR=address),
            detail={"read": ["notes.sessionnote", "measures.response"], "n": n, "words": "Ana’s “notes”"},
        )
        for n, address in enumerate(["203.0.113.9", "2001:db8::1"])
    ]
    for event in written:
        stored = AuditEvent.objects.get(pk=event.pk)
        for field in AuditEvent._meta.concrete_fields:
            assert getattr(stored, field.attname) == getattr(event, field.attname), field.name
        assert stored.compute_hash() == stored.hash
    assert [e.ip for e in written] == ["203.0.113.9", "2001:db8::1"]
    assert written[1].seq == written[0].seq + 1 and written[1].prev_hash == written[0].hash
    assert audit_verify()[1] == []

"""Real concurrency: writers of two practices append at once; each chain stays whole, in order, never forked.

Run on SQLite (the default) and on PostgreSQL (DATABASE_URL=postgres://...).
"""

import pytest
from django.db import connection

from audit.models import AuditChain, AuditEvent
from audit.services import audit_record, audit_verify
from tending.testing.concurrency import race
from tending.testing.factories import PracticeFactory

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

WRITERS = 6
EACH = 5


def test_concurrent_appends_to_two_practices_keep_both_chains_whole():
    practices = [PracticeFactory(), PracticeFactory()]

    def writer(practice, n):
        def run():
            for i in range(EACH):
                audit_record(action="read", object_type="test.thing", object_id=f"{n}-{i}", practice=practice)
            return n

        return run

    jobs = [writer(practices[n % 2], n) for n in range(WRITERS)]
    results, errors = race(jobs)
    assert errors == []
    assert sorted(results) == list(range(WRITERS))
    for practice in practices:
        seqs = list(AuditEvent.objects.filter(chain=str(practice.uuid)).order_by("seq").values_list("seq", flat=True))
        assert seqs == list(range(1, WRITERS // 2 * EACH + 1))
    assert audit_verify() == (WRITERS * EACH, [])
    if connection.vendor == "postgresql":  # the head rows the writers locked, one per practice
        assert set(AuditChain.objects.values_list("name", flat=True)) == {str(p.uuid) for p in practices}

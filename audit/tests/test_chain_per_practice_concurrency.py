"""No global lock (issue 22): while one transaction holds practice A's chain head, an append to practice
B's chain goes straight through, and another append to A's waits for it.

PostgreSQL only (SQLite has one writer at a time by design, so there is nothing to show there). Real
concurrency: the holder keeps its transaction open on its own connection in one thread while the
appends run in others, each with its own connection. ``bench/chains.py`` measures the same under load,
with two app servers.
"""

import threading
import time

import pytest
from django.db import connection, transaction

from audit.models import AuditEvent
from audit.services import _claim_head, audit_record
from tending.testing.factories import PracticeFactory

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

# Long enough that an append blocked behind the holder cannot be mistaken for a slow one.
HOLD_SECONDS = 2.0


def _hold_chain_of(practice, *, locked: threading.Event, release: threading.Event):
    """Lock ``practice``'s chain head as an append does, and keep it until ``release`` is set."""

    def run():
        try:
            with transaction.atomic():
                _claim_head(str(practice.uuid))
                locked.set()
                release.wait(timeout=30)
        finally:
            connection.close()

    return threading.Thread(target=run)


def _timed_append(practice, timings: dict, key: str):
    def run():
        started = time.monotonic()
        try:
            audit_record(action="read", object_type="test.thing", object_id=key, practice=practice)
            timings[key] = time.monotonic() - started
        finally:
            connection.close()

    return threading.Thread(target=run)


@pytest.fixture
def two_practices():
    if connection.vendor != "postgresql":
        pytest.skip("the chain head is locked on PostgreSQL only (SQLite writes one at a time)")
    a, b = PracticeFactory(), PracticeFactory()
    # Each chain has a head row already, as in a running practice (the first append creates it).
    for practice in (a, b):
        audit_record(action="read", object_type="test.thing", object_id="first", practice=practice)
    return a, b


def test_holding_practice_a_chain_does_not_block_practice_b(two_practices):
    a, b = two_practices
    locked, release = threading.Event(), threading.Event()
    holder = _hold_chain_of(a, locked=locked, release=release)
    holder.start()
    assert locked.wait(timeout=10)
    timings: dict = {}
    other = _timed_append(b, timings, "b")
    other.start()
    other.join(timeout=HOLD_SECONDS)
    b_finished_while_a_held = not other.is_alive()
    release.set()
    holder.join(timeout=10)
    other.join(timeout=10)
    assert b_finished_while_a_held, "an append to practice B waited for practice A's chain lock"
    assert timings["b"] < HOLD_SECONDS
    assert AuditEvent.objects.filter(chain=str(b.uuid), object_id="b", seq=2).exists()


def test_holding_practice_a_chain_blocks_another_append_to_a(two_practices):
    a, _b = two_practices
    locked, release = threading.Event(), threading.Event()
    holder = _hold_chain_of(a, locked=locked, release=release)
    holder.start()
    assert locked.wait(timeout=10)
    timings: dict = {}
    same = _timed_append(a, timings, "a")
    same.start()
    same.join(timeout=HOLD_SECONDS)
    waited = same.is_alive()
    release.set()
    holder.join(timeout=10)
    same.join(timeout=10)
    assert waited, "a second append to practice A's chain did not wait for the chain lock"
    assert timings["a"] >= HOLD_SECONDS
    # Once the holder let go, the waiting append went on, in order.
    assert AuditEvent.objects.filter(chain=str(a.uuid), object_id="a", seq=2).exists()

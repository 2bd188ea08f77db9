"""Reading from a PostgreSQL streaming replica, only where a block of code asks to and only when it is safe.

With ``DATABASE_REPLICA_URL`` set, settings add the ``replica`` database and install :class:`ReplicaRouter`.
Nothing reads from the replica unless it runs inside :func:`reading_from_replica` (a context manager and a
decorator): the exports, the ending summary PDF, the office's reports and backups opt in; everything else,
the caseload's stored facts included, always reads the primary.

On entering the block we take the primary's WAL position (``pg_current_wal_lsn()``) and ask the replica
whether it has replayed that far (``pg_last_wal_replay_lsn()``). Every transaction committed before the
request reached this point, what the person just wrote included, is at or before that position, so a
replica that has replayed it shows them everything they wrote. A replica that is behind gets a short,
bounded wait (``TENDING_REPLICA_WAIT_MS``, polled), then the block reads the primary. A replica that cannot
be reached is logged and skipped for a few seconds, and the block reads the primary: never an error page
because of the replica.

Inside the block, writes always go to the primary, and after the first write the rest of the block reads the
primary too (it may read back what it wrote). Reads inside a transaction on the primary stay on the primary:
a read-modify-write (the audit chain's append, a fact refresh) must see the rows it locks.
"""

import contextlib
import logging
import time
from contextvars import ContextVar
from dataclasses import dataclass

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections

logger = logging.getLogger(__name__)

REPLICA = "replica"
# After the replica could not be reached, blocks read the primary for this long without trying it again,
# so a replica that is down costs one failed connection (and one log line) every few seconds, not every request.
RETRY_AFTER_SECONDS = 5.0
POLL_SECONDS = 0.02


@dataclass
class _Block:
    alias: str  # where this block's reads go: REPLICA, or DEFAULT_DB_ALIAS after the check said no
    wrote: bool = False


_block: ContextVar[_Block | None] = ContextVar("tending_replica_block", default=None)
_down_until = 0.0


def replica_configured() -> bool:
    return REPLICA in connections.settings and connections[DEFAULT_DB_ALIAS].vendor == "postgresql"


def reset() -> None:
    """Forget that the replica was down (tests; a deploy that just fixed it need not wait)."""
    global _down_until
    _down_until = 0.0


def _primary_lsn() -> str:
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_lsn()::text")
        return cursor.fetchone()[0]


def _replayed(lsn: str) -> bool | None:
    """Whether the replica has replayed up to ``lsn``; None when it is not a standby at all."""
    with connections[REPLICA].cursor() as cursor:
        cursor.execute("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [lsn])
        return cursor.fetchone()[0]


def _choose(wait_seconds: float) -> str:
    """The alias this block reads: the replica once it has replayed the primary's position now, else the primary."""
    global _down_until
    if not replica_configured() or connections[DEFAULT_DB_ALIAS].in_atomic_block:
        return DEFAULT_DB_ALIAS
    if time.monotonic() < _down_until:
        return DEFAULT_DB_ALIAS
    lsn = _primary_lsn()
    deadline = time.monotonic() + wait_seconds
    try:
        while True:
            caught_up = _replayed(lsn)
            if caught_up is None:
                # A promoted or misconfigured "replica" is another primary: never read from it.
                logger.warning("DATABASE_REPLICA_URL is not a standby in recovery; reading from the primary")
                _down_until = time.monotonic() + RETRY_AFTER_SECONDS
                return DEFAULT_DB_ALIAS
            if caught_up:
                return REPLICA
            left = deadline - time.monotonic()
            if left <= 0:
                logger.info("The replica has not replayed %s yet; reading from the primary", lsn)
                return DEFAULT_DB_ALIAS
            time.sleep(min(POLL_SECONDS, left))
    except DatabaseError as error:
        logger.warning("The replica cannot be reached (%s); reading from the primary", str(error).strip())
        _down_until = time.monotonic() + RETRY_AFTER_SECONDS
        with contextlib.suppress(DatabaseError):
            connections[REPLICA].close()
        return DEFAULT_DB_ALIAS


@contextlib.contextmanager
def reading_from_replica(*, wait_ms: int | None = None):
    """Route this block's reads to the replica if it has caught up with the primary (see the module docstring).

    Yields the alias chosen, for code that opens its own connection (backups). Usable as a decorator:
    ``@reading_from_replica()``. A nested block keeps the outer block's choice.
    """
    outer = _block.get()
    if outer is not None:
        yield outer.alias
        return
    wait = settings.TENDING_REPLICA_WAIT_MS if wait_ms is None else wait_ms
    block = _Block(alias=_choose(wait / 1000))
    token = _block.set(block)
    try:
        yield block.alias
    finally:
        _block.reset(token)


class ReplicaRouter:
    """Reads go to the replica only inside a ``reading_from_replica`` block that chose it; writes, migrations and
    everything else go to the primary."""

    def db_for_read(self, model, **hints):
        block = _block.get()
        if block is None or block.wrote or block.alias != REPLICA:
            return DEFAULT_DB_ALIAS
        if connections[DEFAULT_DB_ALIAS].in_atomic_block:
            return DEFAULT_DB_ALIAS
        return REPLICA

    def db_for_write(self, model, **hints):
        block = _block.get()
        if block is not None:
            block.wrote = True
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        # The replica holds the same rows as the primary: an object read there may point at one read here.
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == DEFAULT_DB_ALIAS

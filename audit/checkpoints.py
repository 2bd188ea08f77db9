"""Signed checkpoints of the audit chains, kept outside the database.

A checkpoint names each chain's length and head link at a moment, signed with
the audit key. The chains alone catch an edited or deleted row in the middle;
a checkpoint also catches what the chain cannot see by itself: the newest rows
deleted, or the table emptied. ``manage.py audit_verify --checkpoint`` writes
one to ``TENDING_AUDIT_CHECKPOINT`` (beside the backups) after a verification
that held, and every backup's manifest carries one (backups/services.py).
"""

import json
import os
import tempfile
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.utils import timezone

from audit import keys
from audit.models import LEGACY, AuditEvent

FORMAT = 1


class CheckpointError(Exception):
    pass


def chain_heads(cursor) -> dict[str, dict]:
    """Each chain's rows and head link, read through any DB-API cursor (Django's, sqlite3's or psycopg's),
    so a backup can take them inside its own snapshot. The legacy segment is counted by id."""
    table = AuditEvent._meta.db_table
    cursor.execute(
        f"SELECT e.chain, e.seq, e.hash FROM {table} e JOIN "  # noqa: S608  # nosec B608
        f"(SELECT chain, MAX(seq) AS seq FROM {table} WHERE seq IS NOT NULL GROUP BY chain) h "
        "ON e.chain = h.chain AND e.seq = h.seq"
    )
    heads = {name: {"rows": seq, "head": link} for name, seq, link in cursor.fetchall()}
    cursor.execute(
        f"SELECT COUNT(*), (SELECT hash FROM {table} WHERE chain = '{LEGACY}' ORDER BY id DESC LIMIT 1) "  # noqa: S608  # nosec B608
        f"FROM {table} WHERE chain = '{LEGACY}'"
    )
    count, link = cursor.fetchone()
    if count:
        heads[LEGACY] = {"rows": count, "head": link}
    return heads


def _body(checkpoint: dict) -> str:
    return json.dumps({k: v for k, v in checkpoint.items() if k != "signature"}, sort_keys=True)


def checkpoint_sign(heads: dict[str, dict], *, last_id: int | None = None, at=None) -> dict:
    """``last_id``: every row up to it is in a chain named here (lets the quick check skip the old rows)."""
    key_id = keys.current_key_id()
    checkpoint = {"format": FORMAT, "at": (at or timezone.now()).isoformat(), "key_id": key_id, "chains": heads}
    if last_id is not None:
        checkpoint["last_id"] = last_id
    return {**checkpoint, "signature": keys.mac(key_id, "checkpoint", _body(checkpoint))}


def checkpoint_check(checkpoint: dict) -> None:
    """Raise ``CheckpointError`` unless ``checkpoint`` carries a good signature under a key of the ring."""
    if not isinstance(checkpoint, dict) or not isinstance(checkpoint.get("chains"), dict):
        raise CheckpointError("it is not a checkpoint")
    expected = keys.mac(str(checkpoint.get("key_id", "")), "checkpoint", _body(checkpoint))
    if expected is None:
        raise CheckpointError(f"it was signed with audit key {checkpoint.get('key_id')!r}, which is not in the ring")
    if checkpoint.get("signature") != expected:
        raise CheckpointError("its signature does not match: it was changed, or signed with another key")


def checkpoint_take() -> dict:
    with connection.cursor() as cursor:
        return checkpoint_sign(chain_heads(cursor))


def checkpoint_write(checkpoint: dict, path: Path | None = None) -> Path:
    """Replace the checkpoint file in one step (write beside it, fsync, rename)."""
    path = Path(path or settings.TENDING_AUDIT_CHECKPOINT)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".audit-checkpoint-")
    try:
        with os.fdopen(handle, "w") as out:
            out.write(json.dumps(checkpoint, indent=2, sort_keys=True))
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path


def checkpoint_load(path: Path) -> dict | None:
    """The signed checkpoint in ``path`` (a checkpoint file or a backup's manifest.json); None if there is no file.

    Raises ``CheckpointError`` if it is there but unreadable or not signed with an audit key.
    """
    path = Path(path)
    if not path.exists():
        return None
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError) as error:
        raise CheckpointError(f"{path} cannot be read: {error}") from error
    if isinstance(data, dict) and "audit_checkpoint" in data:  # a backup's manifest
        data = data["audit_checkpoint"]
    try:
        checkpoint_check(data)
    except CheckpointError as error:
        raise CheckpointError(f"{path}: {error}") from None
    return data

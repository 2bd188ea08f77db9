"""Consistent, encrypted backups with a manifest, and restores that prove themselves.

A backup is a folder ``tending-<engine>-<UTC time>/`` holding ``database.enc``
(the sealed copy, see ``sealing.py``) and ``manifest.json`` (each table's row
count and checksum, the sealed file's sha256, signed with the backup key, and
``audit_checkpoint``: each audit chain's length and head in the copy, signed with
the audit key, so ``audit_verify --against <manifest>`` notices rows deleted since).

The manifest is taken from the very snapshot that was copied, so it matches
the backup exactly even while the application keeps writing:
- SQLite: the online backup API copies the database in one step (a read
  transaction on a WAL database, so writers carry on); the manifest is then
  computed from the copy itself.
- PostgreSQL: a REPEATABLE READ transaction exports its snapshot, ``pg_dump
  --snapshot`` dumps exactly that snapshot, and the manifest is computed
  inside the same transaction.
"""

import contextlib
import hashlib
import json
import os
import secrets
import shutil
import sqlite3

# pg_dump and pg_restore run with fixed argument lists and no shell.
import subprocess  # nosec B404
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import connections
from django.utils import timezone

from audit.checkpoints import chain_heads, checkpoint_sign
from audit.models import AuditEvent
from audit.services import audit_record
from backups.sealing import SealError, open_file, seal_file, sign

FORMAT = 1


class BackupError(Exception):
    pass


@dataclass
class RestoreReport:
    ok: bool
    seconds: float
    tables: int
    rows: int
    problems: list[str]
    target: str


# --- Manifests ---------------------------------------------------------------


def _sqlite_manifest(path) -> dict:
    """Row count and checksum of every table of the SQLite file at ``path``."""
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
        names = [
            row[0]
            for row in db.execute(
                "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
            )
        ]
        tables = {}
        for name in names:
            quoted = '"' + name.replace('"', '""') + '"'
            hashes = sorted(
                hashlib.sha256(repr(row).encode()).hexdigest()
                for row in db.execute(f"SELECT * FROM {quoted}")  # noqa: S608  # nosec B608  # nosemgrep: tending-no-formatted-sql
            )
            tables[name] = {"rows": len(hashes), "sha256": hashlib.sha256("".join(hashes).encode()).hexdigest()}
        integrity = db.execute("PRAGMA integrity_check").fetchone()[0]
    return {"tables": tables, "integrity": integrity}


def _pg_manifest(cursor) -> dict:
    """Row count and checksum of every table in the public schema, as the cursor's transaction sees them."""
    cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")
    names = [row[0] for row in cursor.fetchall()]
    tables = {}
    for name in names:
        quoted = '"' + name.replace('"', '""') + '"'
        # Each row's text form hashed, then the sorted hashes hashed: independent of physical order.
        # Table names come from pg_tables and are quoted.
        sql = f"SELECT count(*), md5(coalesce(string_agg(h, '' ORDER BY h), '')) FROM (SELECT md5(t::text) AS h FROM {quoted} t) rows"  # noqa: S608  # nosec B608
        cursor.execute(sql)
        count, checksum = cursor.fetchone()
        tables[name] = {"rows": count, "sha256": checksum}
    return {"tables": tables, "integrity": "ok"}


def _signed(manifest: dict) -> dict:
    body = {key: value for key, value in manifest.items() if key != "signature"}
    return {**body, "signature": sign(json.dumps(body, sort_keys=True).encode())}


def _check_signature(manifest: dict) -> bool:
    return _signed(manifest)["signature"] == manifest.get("signature")


# --- Backup ------------------------------------------------------------------


def _pg_env(db: dict) -> dict:
    env = {**os.environ}
    env.update(
        {
            "PGHOST": str(db.get("HOST") or "127.0.0.1"),
            "PGPORT": str(db.get("PORT") or 5432),
            "PGUSER": str(db.get("USER") or "postgres"),
        }
    )
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    return env


def _pg_connect(db: dict, name: str):
    import psycopg  # only a PostgreSQL backup needs the driver; an SQLite server never loads it

    return psycopg.connect(
        host=db.get("HOST") or "127.0.0.1",
        port=db.get("PORT") or 5432,
        user=db.get("USER") or "postgres",
        password=db.get("PASSWORD") or None,
        dbname=name,
        autocommit=True,
    )


def backup_create(*, directory: Path | None = None, using: str = "default") -> Path:
    """Make a consistent, sealed backup of the database; returns its folder."""
    db = connections[using].settings_dict
    vendor = connections[using].vendor
    directory = Path(directory or settings.TENDING_BACKUP_DIR)
    directory.mkdir(parents=True, exist_ok=True)
    started = timezone.now()
    folder = directory / f"tending-{vendor}-{started:%Y%m%dT%H%M%S%fZ}"
    folder.mkdir()
    with tempfile.TemporaryDirectory(prefix="tending-backup-") as work:
        plain = Path(work) / "database"
        if vendor == "sqlite":
            source = sqlite3.connect(f"file:{db['NAME']}?mode=ro", uri=True)
            target = sqlite3.connect(plain)
            try:
                # pages=-1 copies everything in one step: one consistent snapshot.
                source.backup(target, pages=-1)
            finally:
                target.close()
                source.close()
            manifest = _sqlite_manifest(plain)
            with contextlib.closing(sqlite3.connect(f"file:{plain}?mode=ro", uri=True)) as copy:
                manifest["audit_checkpoint"] = checkpoint_sign(chain_heads(copy.cursor()), at=started)
        elif vendor == "postgresql":
            manifest = _pg_dump(db, plain)
        else:
            raise BackupError(f"backups support SQLite and PostgreSQL, not {vendor}")
        sealed = folder / "database.enc"
        file_sha256 = seal_file(plain, sealed)
    manifest.update(
        {
            "format": FORMAT,
            "engine": vendor,
            "created_at": started.isoformat(),
            "seconds": round((timezone.now() - started).total_seconds(), 3),
            "file": sealed.name,
            "file_sha256": file_sha256,
            "bytes": sealed.stat().st_size,
        }
    )
    (folder / "manifest.json").write_text(json.dumps(_signed(manifest), indent=2, sort_keys=True))
    # A backup reads every client's record at once: audited as an export (of no one practice).
    audit_record(
        action=AuditEvent.Action.EXPORT,
        object_type="backups.backup",
        object_id=folder.name,
        detail={"tables": len(manifest["tables"]), "rows": sum(t["rows"] for t in manifest["tables"].values())},
    )
    return folder


def _pg_dump(db: dict, plain: Path) -> dict:
    with _pg_connect(db, db["NAME"]) as conn:
        conn.autocommit = False
        with conn.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
            result = subprocess.run(  # noqa: S603  # nosec B603 B607
                [  # noqa: S607
                    "pg_dump",
                    "--format=custom",
                    "--no-owner",
                    "--no-privileges",
                    f"--snapshot={snapshot}",
                    f"--file={plain}",
                    db["NAME"],
                ],
                env=_pg_env(db),
                capture_output=True,
                text=True,
                check=False,
            )
            if result.returncode != 0:
                raise BackupError(f"pg_dump failed: {result.stderr.strip()}")
            manifest = _pg_manifest(cursor)
            manifest["audit_checkpoint"] = checkpoint_sign(chain_heads(cursor))
        conn.rollback()
    return manifest


# --- Restore -----------------------------------------------------------------


def load_manifest(folder: Path) -> dict:
    try:
        manifest = json.loads((Path(folder) / "manifest.json").read_text())
    except (OSError, ValueError) as error:
        raise BackupError(f"cannot read the manifest in {folder}: {error}") from error
    if not _check_signature(manifest):
        raise BackupError("the manifest's signature does not match: it was changed, or the key is different")
    return manifest


def _compare(expected: dict, found: dict) -> list[str]:
    problems = []
    if found.get("integrity") != "ok":
        problems.append(f"integrity check: {found.get('integrity')}")
    for name in sorted(set(expected["tables"]) | set(found["tables"])):
        want, got = expected["tables"].get(name), found["tables"].get(name)
        if want is None or got is None:
            problems.append(f"{name}: {'missing from the restore' if got is None else 'not in the manifest'}")
        elif want != got:
            problems.append(
                f"{name}: expected {want['rows']} rows ({want['sha256'][:12]}), found {got['rows']} ({got['sha256'][:12]})"
            )
    return problems


def backup_restore(
    *, folder: Path, into: str | None = None, keep: bool = False, using: str = "default"
) -> RestoreReport:
    """Restore ``folder`` and check it against its manifest.

    Without ``into`` it goes to a scratch database (a temporary SQLite file, or
    ``<database>_scratch_<random>`` on PostgreSQL) that is removed afterwards
    unless ``keep``. ``into`` names a new SQLite file or PostgreSQL database; it
    must not exist yet, so a restore never overwrites live data.
    """
    started = time.monotonic()
    folder = Path(folder)
    manifest = load_manifest(folder)
    sealed = folder / manifest["file"]
    digest = hashlib.sha256()
    with open(sealed, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    if digest.hexdigest() != manifest["file_sha256"]:
        raise BackupError("the sealed file's checksum does not match the manifest")
    db = connections[using].settings_dict
    with tempfile.TemporaryDirectory(prefix="tending-restore-") as work:
        plain = Path(work) / "database"
        try:
            open_file(sealed, plain)
        except SealError as error:
            raise BackupError(str(error)) from error
        if manifest["engine"] == "sqlite":
            found, target = _restore_sqlite(plain, into=into, keep=keep, work=Path(work))
        elif manifest["engine"] == "postgresql":
            found, target = _restore_pg(db, plain, into=into, keep=keep)
        else:
            raise BackupError(f"unknown engine {manifest['engine']!r}")
    problems = _compare(manifest, found)
    return RestoreReport(
        ok=not problems,
        seconds=round(time.monotonic() - started, 3),
        tables=len(found["tables"]),
        rows=sum(table["rows"] for table in found["tables"].values()),
        problems=problems,
        target=target,
    )


def _restore_sqlite(plain: Path, *, into, keep, work: Path):
    if into:
        target = Path(into)
        if target.exists():
            raise BackupError(f"{target} already exists: restore into a new file")
    else:
        target = (Path(tempfile.mkdtemp(prefix="tending-scratch-")) if keep else work) / "restored.sqlite3"
    shutil.copyfile(plain, target)
    found = _sqlite_manifest(target)
    return found, str(target)


def _restore_pg(db: dict, plain: Path, *, into, keep):
    name = into or f"{db['NAME']}_scratch_{secrets.token_hex(4)}"
    quoted = '"' + name.replace('"', '""') + '"'
    with _pg_connect(db, "postgres") as admin:
        admin.execute(f"CREATE DATABASE {quoted}")  # nosec B608  # nosemgrep: tending-no-formatted-sql
    try:
        result = subprocess.run(  # noqa: S603  # nosec B603 B607
            [  # noqa: S607
                "pg_restore",
                "--no-owner",
                "--no-privileges",
                "--exit-on-error",
                f"--dbname={name}",
                str(plain),
            ],
            env=_pg_env(db),
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0:
            raise BackupError(f"pg_restore failed: {result.stderr.strip()}")
        with _pg_connect(db, name) as conn, conn.cursor() as cursor:
            found = _pg_manifest(cursor)
    finally:
        if not into and not keep:
            with _pg_connect(db, "postgres") as admin:
                admin.execute(f"DROP DATABASE IF EXISTS {quoted} WITH (FORCE)")  # nosec B608  # nosemgrep: tending-no-formatted-sql
    return found, name

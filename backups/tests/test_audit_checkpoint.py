"""Each backup's manifest carries a signed audit checkpoint, and a backup is itself audited."""

import json
import sqlite3
from pathlib import Path

import psycopg
import pytest

from tending.testing.fresh_db import fresh_database, manage

pytestmark = [pytest.mark.slow]

WRITE = (
    "from audit.services import audit_record\n"
    "for n in range(5): audit_record(action='read', object_type='notes.sessionnote', object_id=n)\n"
)


def _delete_newest(env, engine, count):
    sql = f"DELETE FROM audit_auditevent WHERE id IN (SELECT id FROM audit_auditevent ORDER BY id DESC LIMIT {count})"  # noqa: S608
    if engine == "sqlite":
        with sqlite3.connect(Path(env["TENDING_VAR_DIR"]) / "tending.sqlite3") as db:
            db.execute(sql)
        return

    with psycopg.connect(env["DATABASE_URL"], autocommit=True) as db:
        db.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER audit_event_append_only")
        db.execute(sql)


@pytest.mark.parametrize("engine", ["sqlite", "postgresql"])
def test_a_manifest_checkpoint_catches_rows_deleted_after_the_backup(engine, tmp_path):
    with fresh_database(engine, tmp_path) as env:
        manage(env, "shell", "-c", WRITE)
        folder = Path(manage(env, "backup", "--dir", str(tmp_path / "b")).stdout.strip().splitlines()[-1])
        manifest = json.loads((tmp_path / "b" / folder.name / "manifest.json").read_text())
        checkpoint = manifest["audit_checkpoint"]
        assert checkpoint["chains"]["system"]["rows"] == 5
        assert checkpoint["key_id"] == "dev1"
        manifest_path = str(tmp_path / "b" / folder.name / "manifest.json")
        # From the manifest's head (row 5) on: it, and the backup itself, audited after its manifest was taken.
        held = manage(env, "audit_verify", "--against", manifest_path)
        assert "from the last checkpoint): 2 rows checked" in held.stdout
        assert "6 rows checked" in manage(env, "audit_verify", "--full").stdout
        exports = manage(
            env,
            "shell",
            "-c",
            "from audit.models import AuditEvent; print(AuditEvent.objects.filter(action='export', object_type='backups.backup').count())",
        )
        assert exports.stdout.strip().endswith("1")

        _delete_newest(env, engine, 3)
        broken = manage(env, "audit_verify", "--against", manifest_path, check=False)
        assert broken.returncode != 0
        assert "had 5 rows at the checkpoint" in broken.stderr
        assert "now has 3 rows" in broken.stderr

"""Backups taken while the application keeps writing restore exactly, on SQLite and PostgreSQL."""

import json
import subprocess
import time

import psycopg
import pytest

from tending.testing.fresh_db import PG_SERVER, PYTHON, ROOT, fresh_database, manage

pytestmark = [pytest.mark.slow]


def _wait_for_lines(path, count, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if path.exists() and len(path.read_text().split()) >= count:
            return
        time.sleep(0.05)
    raise AssertionError(f"the writer wrote fewer than {count} rows in {timeout}s")


@pytest.mark.parametrize("engine", ["sqlite", "postgresql"])
def test_a_backup_taken_during_writes_restores_and_verifies(engine, tmp_path):
    with fresh_database(engine, tmp_path) as env:
        stop, log = tmp_path / "stop", tmp_path / "written"
        with open(log, "w") as out:
            writer = subprocess.Popen(  # noqa: S603
                [PYTHON, str(ROOT / "backups" / "tests" / "writer.py"), str(stop)], env=env, stdout=out, cwd=ROOT
            )
        try:
            _wait_for_lines(log, 30)
            before = len(log.read_text().split())
            made = manage(env, "backup", "--dir", str(tmp_path / "backups"))
            after_backup = len(log.read_text().split())
            _wait_for_lines(log, after_backup + 30)
        finally:
            stop.touch()
            writer.wait(timeout=30)
        assert writer.returncode == 0
        assert after_backup > before, "the writer should have kept writing while the backup ran"
        folder = made.stdout.strip().splitlines()[-1]
        manifest = json.loads((tmp_path / "backups" / folder.rsplit("/", 1)[-1] / "manifest.json").read_text())
        in_backup = manifest["tables"]["audit_auditevent"]["rows"]
        written = len(log.read_text().split())
        # Everything acknowledged before the backup began is in it; rows written later are not all in it.
        assert before <= in_backup < written

        verified = manage(env, "restore", folder, "--verify")
        assert "Verified against the manifest" in verified.stdout
        assert f"{len(manifest['tables'])} tables" in verified.stdout

        # A real restore into a new database is a working Tending database whose audit chain holds.
        if engine == "sqlite":
            target = str(tmp_path / "restored.sqlite3")
            restored_env = {**env, "TENDING_VAR_DIR": str(tmp_path / "restored-var")}
            (tmp_path / "restored-var").mkdir()
            manage(env, "restore", folder, "--into", target)
            (tmp_path / "restored-var" / "tending.sqlite3").symlink_to(target)
        else:
            target = env["DATABASE_URL"].rsplit("/", 1)[-1] + "_restored"
            manage(env, "restore", folder, "--into", target)
            restored_env = {**env, "DATABASE_URL": env["DATABASE_URL"].rsplit("/", 1)[0] + "/" + target}
        try:
            chain = manage(restored_env, "audit_verify")
            assert f"{in_backup} rows checked" in chain.stdout
            pending = manage(restored_env, "migrate", "--check", check=False)
            assert pending.returncode == 0, pending.stdout
        finally:
            if engine == "postgresql":
                with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as admin:
                    admin.execute(f'DROP DATABASE IF EXISTS "{target}" WITH (FORCE)')


def test_a_changed_backup_does_not_restore(tmp_path):
    with fresh_database("sqlite", tmp_path) as env:
        folder = manage(env, "backup", "--dir", str(tmp_path / "b")).stdout.strip().splitlines()[-1]
        sealed = tmp_path / "b" / folder.rsplit("/", 1)[-1] / "database.enc"
        data = bytearray(sealed.read_bytes())
        data[200] ^= 0x01
        sealed.write_bytes(bytes(data))
        result = manage(env, "restore", folder, "--verify", check=False)
        assert result.returncode != 0
        assert "checksum does not match" in result.stderr


def test_a_changed_manifest_is_refused(tmp_path):
    with fresh_database("sqlite", tmp_path) as env:
        folder = manage(env, "backup", "--dir", str(tmp_path / "b")).stdout.strip().splitlines()[-1]
        path = tmp_path / "b" / folder.rsplit("/", 1)[-1] / "manifest.json"
        manifest = json.loads(path.read_text())
        manifest["tables"]["audit_auditevent"]["rows"] += 1
        path.write_text(json.dumps(manifest))
        result = manage(env, "restore", folder, "--verify", check=False)
        assert result.returncode != 0
        assert "signature does not match" in result.stderr


def test_a_backup_does_not_open_with_another_key(tmp_path):
    with fresh_database("sqlite", tmp_path) as env:
        folder = manage(env, "backup", "--dir", str(tmp_path / "b")).stdout.strip().splitlines()[-1]
        other = {**env, "TENDING_BACKUP_KEY": "b3RoZXIta2V5LW90aGVyLWtleS1vdGhlci1rZXktMDE="}
        result = manage(other, "restore", folder, "--verify", check=False)
        assert result.returncode != 0
        assert "signature does not match" in result.stderr

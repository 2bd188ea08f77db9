"""Reading from a replica (core/replica.py), against a real PostgreSQL streaming replica started here.

The module starts a second cluster from ``pg_basebackup`` of the primary at 127.0.0.1:5432, on a free
port, as the ``postgres`` user, and points a ``replica`` alias at the test database in it. The primary
must accept replication connections from 127.0.0.1: when its ``pg_hba.conf`` has no such line, the
fixture appends ``host replication all 127.0.0.1/32 trust`` and reloads (once; the line stays). The tests
carry the ``replica`` marker; CI runs them in a step of their own on PostgreSQL and fails if they skip.
"""

import contextlib
import copy
import os
import shutil
import subprocess  # nosec B404 - fixed argument lists, no shell
import tempfile
import threading
import time
from pathlib import Path

import psycopg
import pytest
from django.core.management import call_command
from django.db import connections
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import User
from backups.management.commands import backup as backup_command
from backups.services import backup_create, load_manifest
from core import replica
from core.replica import REPLICA, reading_from_replica
from tending.testing.factories import ClientFactory, StaffFactory
from tending.testing.servers import free_port

HBA_LINE = "host replication all 127.0.0.1/32 trust"
REPLAY_TIMEOUT = 60  # seconds; the primary may be busy with other work on a shared machine


def _primary(dbname="postgres"):
    db = connections["default"].settings_dict
    return psycopg.connect(
        host=db["HOST"] or "127.0.0.1",
        port=db["PORT"] or 5432,
        user=db["USER"] or "postgres",
        password=db["PASSWORD"] or None,
        dbname=dbname,
        autocommit=True,
    )


def _value(conn, sql, params=None):
    return conn.execute(sql, params).fetchone()[0]


def _bin(name: str, major: int) -> str:
    path = Path(f"/usr/lib/postgresql/{major}/bin/{name}")
    return str(path) if path.exists() else (shutil.which(name) or name)


def _as_postgres(*args: str, check: bool = True) -> subprocess.CompletedProcess:
    """Run a PostgreSQL program as the postgres user (the server refuses to run as root)."""
    command = ["runuser", "-u", "postgres", "--", *args] if os.geteuid() == 0 else list(args)
    result = subprocess.run(command, capture_output=True, text=True, check=False, timeout=300)  # noqa: S603
    if check and result.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed: {result.stdout}{result.stderr}")
    return result


def _allow_replication(conn) -> None:
    """Make the primary accept replication connections from 127.0.0.1 (idempotent; needs write access to pg_hba)."""
    assert _value(conn, "SHOW wal_level") in {"replica", "logical"}, "the primary needs wal_level=replica"
    assert int(_value(conn, "SHOW max_wal_senders")) > 0, "the primary needs max_wal_senders > 0"
    rules = conn.execute(
        "SELECT count(*) FROM pg_hba_file_rules WHERE 'replication' = ANY(database) AND error IS NULL "
        "AND type IN ('host', 'hostnossl') AND (address IS NULL OR address IN ('127.0.0.1', 'all'))"
    ).fetchone()[0]
    if rules:
        return
    hba = Path(_value(conn, "SHOW hba_file"))
    with hba.open("a") as file:
        file.write(f"\n# Added by Tending's replica tests (core/tests/test_replica.py)\n{HBA_LINE}\n")
    assert _value(conn, "SELECT pg_reload_conf()")
    # The postmaster rereads pg_hba.conf on its own time: wait until a replication connection is let in.
    info = conn.info
    deadline = time.monotonic() + 10
    while True:
        try:
            psycopg.connect(host=info.host, port=info.port, user=info.user, replication="true").close()
            return
        except psycopg.OperationalError:
            assert time.monotonic() < deadline, f"the primary still refuses replication after adding {HBA_LINE!r}"
            time.sleep(0.1)


class Replica:
    """A streaming replica of the primary in a temporary directory owned by postgres."""

    def __init__(self):
        self.port = free_port()
        self.root = Path(tempfile.mkdtemp(prefix="tending-replica-"))
        self.data = self.root / "data"
        if os.geteuid() == 0:
            shutil.chown(self.root, "postgres", "postgres")

    def create(self, primary) -> None:
        self.major = int(_value(primary, "SHOW server_version_num")) // 10000
        db = connections["default"].settings_dict
        _as_postgres(
            _bin("pg_basebackup", self.major),
            *("-h", db["HOST"] or "127.0.0.1", "-p", str(db["PORT"] or 5432), "-U", db["USER"] or "postgres"),
            *("-D", str(self.data), "-X", "stream", "-R", "--checkpoint=fast", "--no-sync"),
        )
        # A hot standby needs these at least as high as the primary's.
        same = ["max_connections", "max_worker_processes", "max_wal_senders", "max_prepared_transactions"]
        same += ["max_locks_per_transaction"]
        lines = [f"{name} = {_value(primary, 'SELECT current_setting(%s)', [name])}" for name in same]
        lines += [
            f"port = {self.port}",
            "listen_addresses = '127.0.0.1'",
            f"unix_socket_directories = '{self.root}'",
            "hot_standby = on",
            "shared_buffers = 32MB",
            "fsync = off",
            "logging_collector = off",
            "wal_receiver_status_interval = 1s",
        ]
        # Debian keeps postgresql.conf and pg_hba.conf in /etc, outside the data directory the backup copied.
        conf = self.data / "postgresql.conf"
        with conf.open("a") as file:
            file.write("\n".join(lines) + "\n")
        (self.data / "pg_hba.conf").write_text("local all all trust\nhost all all 127.0.0.1/32 trust\n")
        if os.geteuid() == 0:
            for path in (conf, self.data / "pg_hba.conf"):
                shutil.chown(path, "postgres", "postgres")
        self.start()

    def start(self) -> None:
        try:
            _as_postgres(
                _bin("pg_ctl", self.major), *("-D", str(self.data), "-l", str(self.root / "log")), "-w", "start"
            )
        except RuntimeError as error:
            # A standby accepts connections only once it has a snapshot of the primary's running transactions,
            # which it cannot take while one of them has more than 64 subtransactions (savepoints) open.
            raise RuntimeError(
                f"{error}\nIf the log says 'consistent recovery state reached' and nothing after, a long transaction "
                "with many savepoints on the primary is holding the standby back (see pg_stat_activity)."
            ) from error

    def stop(self) -> None:
        _as_postgres(_bin("pg_ctl", self.major), "-D", str(self.data), "-m", "fast", "-w", "stop", check=False)

    def destroy(self) -> None:
        self.stop()
        shutil.rmtree(self.root, ignore_errors=True)

    def connect(self, dbname: str):
        return psycopg.connect(host="127.0.0.1", port=self.port, user="postgres", dbname=dbname, autocommit=True)

    def wait_for(self, lsn: str) -> None:
        """Until this replica has replayed the primary's position ``lsn``."""
        deadline = time.monotonic() + REPLAY_TIMEOUT
        with self.connect("postgres") as conn:
            while not _value(conn, "SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [lsn]):
                assert time.monotonic() < deadline, f"the replica did not replay {lsn} in {REPLAY_TIMEOUT}s"
                time.sleep(0.05)


@pytest.fixture(scope="module")
def replica_server(django_db_setup, django_db_blocker):
    """A running replica of the primary with the test database in it, as the ``replica`` alias; torn down after."""
    if connections["default"].vendor != "postgresql":
        pytest.skip("a streaming replica needs PostgreSQL: run with DATABASE_URL=postgres://...")
    with django_db_blocker.unblock(), _primary() as primary:
        _allow_replication(primary)
        server = Replica()
        try:
            server.create(primary)
            server.wait_for(_value(primary, "SELECT pg_current_wal_lsn()::text"))
        except BaseException:
            with contextlib.suppress(Exception):
                print((server.root / "log").read_text())  # noqa: T201 - why the replica would not start
            server.destroy()
            raise
    alias = copy.deepcopy(connections["default"].settings_dict)
    alias.update({"PORT": str(server.port), "CONN_MAX_AGE": 0, "TEST": {**alias["TEST"], "MIRROR": "default"}})
    alias["OPTIONS"] = {**alias["OPTIONS"], "connect_timeout": "2"}
    connections.settings[REPLICA] = alias
    yield server
    connections[REPLICA].close()
    del connections[REPLICA]
    del connections.settings[REPLICA]
    server.destroy()


@pytest.fixture
def routed(replica_server, settings):
    """The router on, the replica's down-mark forgotten. Blocks wait as long as it takes the replica to replay
    the primary's position (other work may keep the primary busy); the lagging test gives its own short wait."""
    settings.DATABASE_ROUTERS = ["core.replica.ReplicaRouter"]
    settings.TENDING_REPLICA_WAIT_MS = REPLAY_TIMEOUT * 1000
    replica.reset()
    yield replica_server
    replica.reset()


def _caught_up(server) -> None:
    with _primary() as primary:
        server.wait_for(_value(primary, "SELECT pg_current_wal_lsn()::text"))


def _user_queries(queries) -> list[str]:
    return [q["sql"] for q in queries if '"accounts_user"' in q["sql"]]


pytestmark = [pytest.mark.replica, pytest.mark.django_db(transaction=True, databases=["default", REPLICA])]


def test_a_caught_up_replica_serves_the_reads(routed):
    User.objects.create(email="written-before@example.test", name="Before")
    _caught_up(routed)
    with (
        CaptureQueriesContext(connections[REPLICA]) as on_replica,
        CaptureQueriesContext(connections["default"]) as on_primary,
        reading_from_replica() as alias,
    ):
        assert alias == REPLICA
        assert User.objects.filter(email="written-before@example.test").exists()
        with connections[User.objects.db].cursor() as cursor:
            cursor.execute("SELECT pg_is_in_recovery()")
            assert cursor.fetchone()[0] is True
    assert _user_queries(on_replica.captured_queries)
    assert not _user_queries(on_primary.captured_queries)
    # Outside the block everything reads the primary again.
    assert User.objects.all().db == "default"


def test_what_the_block_writes_it_reads_back_from_the_primary(routed):
    _caught_up(routed)
    with reading_from_replica() as alias:
        assert alias == REPLICA
        assert User.objects.all().db == REPLICA
        User.objects.create(email="written-inside@example.test", name="Inside")
        assert User.objects.all().db == "default"
        assert User.objects.filter(email="written-inside@example.test").exists()


def test_a_lagging_replica_sends_the_reads_to_the_primary(routed):
    with routed.connect("postgres") as standby:
        standby.execute("SELECT pg_wal_replay_pause()")
        try:
            deadline = time.monotonic() + 10
            while _value(standby, "SELECT pg_get_wal_replay_pause_state()") != "paused":
                assert time.monotonic() < deadline
                time.sleep(0.02)
            User.objects.create(email="just-written@example.test", name="Just now")
            started = time.monotonic()
            with reading_from_replica(wait_ms=150) as alias:
                assert alias == "default"
                assert User.objects.all().db == "default"
                assert User.objects.filter(email="just-written@example.test").exists()
            # It waited, but only its bounded while (and a little for the queries).
            assert 0.15 <= time.monotonic() - started < 2
        finally:
            standby.execute("SELECT pg_wal_replay_resume()")


def test_a_replica_that_catches_up_within_the_wait_is_used(routed):
    with routed.connect("postgres") as standby:
        standby.execute("SELECT pg_wal_replay_pause()")
        User.objects.create(email="soon-replayed@example.test", name="Soon")

        def resume_soon():
            time.sleep(0.1)
            standby.execute("SELECT pg_wal_replay_resume()")

        thread = threading.Thread(target=resume_soon)
        thread.start()
        try:
            with reading_from_replica(wait_ms=REPLAY_TIMEOUT * 1000) as alias:
                assert alias == REPLICA
                assert User.objects.filter(email="soon-replayed@example.test").exists()
        finally:
            thread.join()


def test_a_replica_that_is_down_costs_nothing_but_a_log_line(routed, caplog):
    connections[REPLICA].close()
    routed.stop()
    try:
        User.objects.create(email="while-down@example.test", name="Down")
        with reading_from_replica() as alias:
            assert alias == "default"
            assert User.objects.filter(email="while-down@example.test").exists()
        assert "The replica cannot be reached" in caplog.text
        # For a few seconds it is not tried again: no second connection attempt, no second log line.
        caplog.clear()
        with reading_from_replica() as alias:
            assert alias == "default"
        assert "cannot be reached" not in caplog.text
    finally:
        routed.start()


def test_the_office_report_csv_reads_from_the_replica(routed, client):
    owner = StaffFactory(is_owner=True, is_therapist=False, is_administrator=True)
    ClientFactory(therapist=StaffFactory(practice=owner.practice))
    client.force_login(owner.user)
    _caught_up(routed)
    with CaptureQueriesContext(connections[REPLICA]) as on_replica:
        response = client.get(reverse("money:export_payments"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert any("money_" in q["sql"] for q in on_replica.captured_queries)


def test_a_backup_is_taken_from_the_replica(routed, tmp_path, capsys, monkeypatch):
    User.objects.create(email="in-the-backup@example.test", name="Backed up")
    _caught_up(routed)
    used = []

    def spy(*, directory, using):
        used.append(connections[using].settings_dict["PORT"])
        return backup_create(directory=directory, using=using)

    monkeypatch.setattr(backup_command, "backup_create", spy)
    call_command("backup", dir=tmp_path)
    # pg_dump --snapshot ran against the replica's exported snapshot, and the backup is whole.
    assert used == [str(routed.port)]
    folder = Path(capsys.readouterr().out.strip().splitlines()[-1])
    manifest = load_manifest(folder)
    assert manifest["tables"]["accounts_user"]["rows"] == User.objects.count()

"""A fresh, migrated database outside the test runner's, for tests that run real processes
(manage.py commands, gunicorn) against it: backups, restores, crash durability.

``fresh_database("sqlite", tmp_path)`` or ``fresh_database("postgresql", tmp_path)``
yields the environment for subprocesses. PostgreSQL comes from
``TENDING_TEST_PG`` (default ``postgres://postgres@127.0.0.1:5432``); the
database is named ``<TENDING_TEST_PG_PREFIX or tending>_proc_<random>`` and dropped after.
"""

import atexit
import contextlib
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import psycopg
import pytest

ROOT = Path(__file__).resolve().parents[2]
PYTHON = str(ROOT / ".venv" / "bin" / "python") if (ROOT / ".venv" / "bin" / "python").exists() else sys.executable
PG_SERVER = os.environ.get("TENDING_TEST_PG", "postgres://postgres@127.0.0.1:5432").rstrip("/")
PG_PREFIX = os.environ.get("TENDING_TEST_PG_PREFIX", "tending")


def base_env(**overrides) -> dict:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE", "DATABASE_URL", "TENDING_ENV"}
    }
    env.update({"TENDING_ENV": "development", "PYTHONUNBUFFERED": "1", "LOG_LEVEL": "WARNING"})
    env.update(overrides)
    return env


def manage(env: dict, *args: str, timeout: float = 120, check: bool = True) -> subprocess.CompletedProcess:
    result = subprocess.run(  # noqa: S603 - our own manage.py with fixed arguments
        [PYTHON, str(ROOT / "manage.py"), *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if check and result.returncode != 0:
        raise AssertionError(
            f"manage.py {' '.join(args)} exited {result.returncode}:\n{result.stdout}\n{result.stderr}"
        )
    return result


def make_client(env: dict, email: str, password: str) -> None:
    """A client who can sign in with ``email`` and ``password``, in the database of ``env``."""
    manage(
        env,
        "shell",
        "-c",
        "from tending.testing.factories import ClientFactory, UserFactory\n"
        f"ClientFactory(user=UserFactory(email={email!r}, password={password!r}))",
    )


def _pg_connect():
    # Generous: a busy CI machine can take seconds to accept a connection; that is not "unreachable".
    return psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True, connect_timeout=30)


def _pg_admin():
    try:
        return _pg_connect()
    except psycopg.OperationalError as error:
        message = f"PostgreSQL is not reachable at {PG_SERVER}: {error}"
        if os.environ.get("TENDING_CI"):
            pytest.fail(message)  # CI has PostgreSQL: a test skipped there would pass having run nothing
        pytest.skip(message)


_templates: dict[str, str] = {}


def _sqlite_template() -> str:
    """One migrated SQLite file per test process, copied for each test (migrating takes ~20 s)."""
    if "sqlite" not in _templates:
        folder = tempfile.mkdtemp(prefix="tending-template-")
        atexit.register(shutil.rmtree, folder, True)
        manage(base_env(TENDING_VAR_DIR=folder), "migrate", "-v0")
        _templates["sqlite"] = str(Path(folder) / "tending.sqlite3")
    return _templates["sqlite"]


def _pg_template() -> str:
    """One migrated PostgreSQL database per test process, used as the TEMPLATE of each new one."""
    if "postgresql" not in _templates:
        name = f"{PG_PREFIX}_tmpl_{secrets.token_hex(4)}"
        with _pg_admin() as admin:
            admin.execute(f'CREATE DATABASE "{name}"')
        manage(base_env(DATABASE_URL=f"{PG_SERVER}/{name}"), "migrate", "-v0")
        _templates["postgresql"] = name

        def drop():
            with contextlib.suppress(Exception), _pg_connect() as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

        atexit.register(drop)
    return _templates["postgresql"]


@contextlib.contextmanager
def fresh_database(engine: str, tmp_path: Path):
    """Yield the subprocess environment of a new, migrated database of ``engine``."""
    var_dir = tmp_path / "var"
    var_dir.mkdir(exist_ok=True)
    if engine == "sqlite":
        shutil.copyfile(_sqlite_template(), var_dir / "tending.sqlite3")
        yield base_env(TENDING_VAR_DIR=str(var_dir))
        return
    template = _pg_template()
    name = f"{PG_PREFIX}_proc_{secrets.token_hex(4)}"
    with _pg_admin() as admin:
        admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    try:
        yield base_env(TENDING_VAR_DIR=str(var_dir), DATABASE_URL=f"{PG_SERVER}/{name}")
    finally:
        with _pg_admin() as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

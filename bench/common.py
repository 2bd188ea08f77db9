"""Shared by the benchmark scripts: where their files live, their secrets and the server environment.

The synthetic practice's encrypted fields are sealed with the field keys in
``var/bench/secrets.json`` (made on first use, mode 0600, never committed), so
the server that ``load.py`` starts can open what ``make_practice.py`` wrote.
"""

import base64
import hashlib
import hmac
import json
import os
import socket
import struct
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

import django

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = ROOT / "var" / "bench"
PYTHON = str(ROOT / ".venv" / "bin" / "python")
GUNICORN = str(ROOT / ".venv" / "bin" / "gunicorn")
# Every synthetic person signs in with this password (hashed once, with the production hasher).
PASSWORD = "bench-tending-password-41"  # nosec B105 - synthetic benchmark accounts only
DEFAULT_DATABASE_URL = f"sqlite:///{BENCH_DIR / 'practice.sqlite3'}"


def bench_secrets() -> dict:
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    path = BENCH_DIR / "secrets.json"

    def key() -> str:
        return base64.b64encode(os.urandom(32)).decode()

    wanted = {
        "SECRET_KEY": lambda: base64.urlsafe_b64encode(os.urandom(48)).decode(),
        "TENDING_FIELD_KEYS": lambda: f"bench1:{key()}",
        "TENDING_BACKUP_KEY": key,
        "TENDING_AUDIT_KEYS": lambda: f"bench1:{key()}",
        # One TOTP secret for every synthetic staff member, so the load generator can pass MFA.
        "TOTP_SECRET": lambda: base64.b32encode(os.urandom(20)).decode(),
    }
    kept = json.loads(path.read_text()) if path.exists() else {}
    missing = {name: make() for name, make in wanted.items() if name not in kept}
    if not missing:
        return kept
    made = {**kept, **missing}  # secrets a newer Tending needs are added; existing ones never change
    fd = os.open(path.with_suffix(".tmp"), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        json.dump(made, handle)
    os.replace(path.with_suffix(".tmp"), path)
    return made


def print_report(report: dict, path: str | None) -> None:
    """A script's result as JSON: printed, and written to ``path`` too when one is given (``--json``)."""
    text = json.dumps(report, indent=2)
    print(text)
    if path:
        Path(path).write_text(text + "\n")


def database_url(given: str | None) -> str:
    return given or os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL


def is_postgres(url: str) -> bool:
    return urlparse(url).scheme in {"postgres", "postgresql"}


def base_env(url: str, *, production: bool) -> dict:
    """Environment for Django processes working on the benchmark database."""
    found = bench_secrets()
    env = {key: value for key, value in os.environ.items() if not key.startswith(("TENDING_", "DJANGO_"))}
    env.update(
        DATABASE_URL=url,
        SECRET_KEY=found["SECRET_KEY"],
        TENDING_FIELD_KEYS=found["TENDING_FIELD_KEYS"],
        TENDING_BACKUP_KEY=found["TENDING_BACKUP_KEY"],
        TENDING_AUDIT_KEYS=found["TENDING_AUDIT_KEYS"],
        TENDING_VAR_DIR=str(BENCH_DIR),
        DJANGO_SETTINGS_MODULE="tending.settings",
        PYTHONPATH=str(ROOT),
    )
    if production:
        env.update(
            TENDING_ENV="production",
            SECURE_SSL_REDIRECT="false",
            ALLOWED_HOSTS="127.0.0.1",
            SITE_URL="https://127.0.0.1",
            TENDING_BENCH_FLOOR="1",
            LOG_LEVEL="WARNING",
        )
    else:
        env["TENDING_ENV"] = "development"
    return env


def setup_django(url: str) -> None:
    """Configure this process for the benchmark database (development profile, bench field keys)."""
    for key, value in base_env(url, production=False).items():
        if key.startswith(("TENDING_", "DJANGO_", "SECRET_KEY", "DATABASE_URL")):
            os.environ[key] = value
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    django.setup()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def ensure_postgres_database(url: str, *, reset: bool) -> None:
    """Create the PostgreSQL database named in ``url`` (dropping it first with ``reset``)."""
    # Only this path needs it; the script starts without it.
    import psycopg

    parsed = urlparse(url)
    name = parsed.path.lstrip("/")
    admin = parsed._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists and reset:
            conn.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
                [name],
            )
            conn.execute(f'DROP DATABASE "{name}"')
            exists = None
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')


def totp_now(secret: str, offset: int = 0) -> str:
    """The current RFC 6238 code (30 s, 6 digits, SHA-1), as allauth checks it."""
    counter = int(time.time()) // 30 + offset
    digest = hmac.new(base64.b32decode(secret), struct.pack(">Q", counter), hashlib.sha1).digest()
    start = digest[-1] & 0x0F
    value = (struct.unpack(">I", digest[start : start + 4])[0] & 0x7FFFFFFF) % 1_000_000
    return f"{value:06d}"

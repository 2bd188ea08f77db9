"""Small typed readers for environment variables that fail loudly on bad values.

Every setting Tending reads from the environment goes through one of these, so
a typo in production stops start-up with a clear message instead of running
with a silently wrong value. ``NAME_FILE`` is honoured for secrets (Docker and
systemd credentials put them in files).
"""

import os
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlparse

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def _raw(name: str) -> str | None:
    file_name = os.environ.get(f"{name}_FILE")
    if file_name:
        try:
            return Path(file_name).read_text().strip()
        except OSError as exc:
            raise ImproperlyConfigured(f"{name}_FILE={file_name!r} cannot be read: {exc}") from exc
    return os.environ.get(name)


def env_str(name: str, default: str) -> str:
    value = _raw(name)
    return default if value is None else value


def env_bool(name: str, default: bool) -> bool:
    value = _raw(name)
    if value is None:
        return default
    lowered = value.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be one of true/false/1/0/yes/no/on/off, not {value!r}")


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    value = _raw(name)
    if value is None:
        return default
    try:
        number = int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}") from None
    if minimum is not None and number < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, not {number}")
    return number


def env_list(name: str, default: list[str]) -> list[str]:
    value = _raw(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def env_choice(name: str, default: str, choices: set[str]) -> str:
    value = env_str(name, default)
    if value not in choices:
        raise ImproperlyConfigured(f"{name} must be one of {sorted(choices)}, not {value!r}")
    return value


SQLITE_OPTIONS = {
    # IMMEDIATE takes the write lock when a transaction starts, so two writers
    # queue on busy_timeout instead of one failing with "database is locked"
    # when it upgrades a read lock (see docs/architecture.md).
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
    "init_command": (
        "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON; PRAGMA busy_timeout=20000;"
    ),
}


def parse_database_url(url: str) -> dict:
    """Turn ``sqlite:///abs/path`` or ``postgres://user:pw@host:port/name`` into a DATABASES entry."""
    parsed = urlparse(url)
    if parsed.scheme == "sqlite":
        # sqlite:///abs/path and sqlite:////abs/path both mean /abs/path.
        path = unquote(parsed.path)
        path = "/" + path.lstrip("/") if path.strip("/") else ""
        if not path:
            raise ImproperlyConfigured(f"DATABASE_URL {url!r} names no SQLite file (use sqlite:///abs/path.db)")
        return {"ENGINE": "django.db.backends.sqlite3", "NAME": path, "OPTIONS": dict(SQLITE_OPTIONS)}
    if parsed.scheme in {"postgres", "postgresql"}:
        name = unquote(parsed.path.lstrip("/"))
        if not name:
            raise ImproperlyConfigured(f"DATABASE_URL {url!r} names no database")
        options: dict = {key: values[-1] for key, values in parse_qs(parsed.query).items()}
        # psycopg's own types for the two options that take a switch and a number (``?prepare_threshold=0``).
        if "server_side_binding" in options:
            options["server_side_binding"] = options["server_side_binding"].lower() in {"1", "true", "yes", "on"}
        if "prepare_threshold" in options:
            threshold = options["prepare_threshold"]
            options["prepare_threshold"] = None if threshold.lower() in {"", "none"} else int(threshold)
        # Every query a page makes is a small indexed lookup. When the planner misjudges one as
        # large (n_distinct of a client column is hard to sample at millions of rows), a parallel
        # plan costs 20-40 ms of worker start-up: the caseload's two lookups took 50 and 36 ms with
        # parallel workers and 13 and 5 ms without, on ten practices' data (docs/benchmarks.md).
        # Give your own ``?options=`` in DATABASE_URL to change it.
        # JIT compilation is off for the same reason: it paid 4 ms to compile a 0.1 ms lookup.
        options.setdefault("options", "-c max_parallel_workers_per_gather=0 -c jit=off")
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": name,
            "USER": unquote(parsed.username or ""),
            "PASSWORD": unquote(parsed.password or ""),
            "HOST": parsed.hostname or "",
            "PORT": str(parsed.port or ""),
            "OPTIONS": options,
            # Reusing connections made read-audited pages about 3x faster here
            # (../shared/STACK.md); health checks drop a connection the server closed.
            "CONN_MAX_AGE": env_int("DATABASE_CONN_MAX_AGE", 60, minimum=0),
            "CONN_HEALTH_CHECKS": True,
        }
    raise ImproperlyConfigured(f"DATABASE_URL must start with sqlite:// or postgres://, not {url!r}")


ENVIRONMENTS = {"development", "test", "production"}


def require_environment() -> str:
    """The profile a web server was told to run, ``TENDING_ENV``; stop with a clear message if it was not told."""
    value = (_raw("TENDING_ENV") or "").strip()
    if not value:
        raise ImproperlyConfigured(
            "TENDING_ENV is not set, so Tending will not start a web server. Set TENDING_ENV=production "
            "for a real server (the Procfile does; SECRET_KEY and TENDING_FIELD_KEYS must then be set too), "
            "or TENDING_ENV=development to serve a development copy (bin/run does)."
        )
    if value not in ENVIRONMENTS:
        raise ImproperlyConfigured(f"TENDING_ENV must be one of {sorted(ENVIRONMENTS)}, not {value!r}")
    return value

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection

from tending.env import env_bool, env_int, parse_database_url


def test_sqlite_urls_get_the_durable_options():
    db = parse_database_url("sqlite:////srv/tending/db.sqlite3")
    assert db["NAME"] == "/srv/tending/db.sqlite3"
    assert db["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    assert "journal_mode=WAL" in db["OPTIONS"]["init_command"]
    assert "synchronous=FULL" in db["OPTIONS"]["init_command"]


def test_postgres_urls_reuse_connections_with_health_checks():
    db = parse_database_url("postgres://me:p%40ss@db.internal:6543/tending?sslmode=require")
    assert (db["USER"], db["PASSWORD"], db["HOST"], db["PORT"], db["NAME"]) == (
        "me",
        "p@ss",
        "db.internal",
        "6543",
        "tending",
    )
    assert db["OPTIONS"] == {"sslmode": "require", "options": "-c max_parallel_workers_per_gather=0 -c jit=off"}
    assert db["CONN_MAX_AGE"] == 60 and db["CONN_HEALTH_CHECKS"] is True


def test_postgres_pages_run_without_parallel_workers_unless_the_url_says_otherwise():
    own = parse_database_url("postgres://h/tending?options=-c%20statement_timeout%3D5000")
    assert own["OPTIONS"]["options"] == "-c statement_timeout=5000"


def test_prepared_statements_are_off_unless_the_url_turns_them_on_with_psycopgs_own_types():
    assert "server_side_binding" not in parse_database_url("postgres://h/tending")["OPTIONS"]
    on = parse_database_url("postgres://h/tending?server_side_binding=true&prepare_threshold=5")["OPTIONS"]
    assert on["server_side_binding"] is True and on["prepare_threshold"] == 5
    off = parse_database_url("postgres://h/tending?server_side_binding=no&prepare_threshold=none")["OPTIONS"]
    assert off["server_side_binding"] is False and off["prepare_threshold"] is None


@pytest.mark.django_db
def test_the_connection_really_runs_without_parallel_workers():
    if connection.vendor != "postgresql":
        pytest.skip("a PostgreSQL setting")
    with connection.cursor() as cursor:
        cursor.execute("SHOW max_parallel_workers_per_gather")
        assert cursor.fetchone()[0] == "0"
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"


@pytest.mark.parametrize("url", ["mysql://x/y", "sqlite://", "postgres://host/"])
def test_unusable_database_urls_fail_loudly(url):
    with pytest.raises(ImproperlyConfigured):
        parse_database_url(url)


def test_typed_readers_refuse_nonsense(monkeypatch):
    monkeypatch.setenv("X_FLAG", "perhaps")
    monkeypatch.setenv("X_NUM", "ten")
    with pytest.raises(ImproperlyConfigured):
        env_bool("X_FLAG", False)
    with pytest.raises(ImproperlyConfigured):
        env_int("X_NUM", 1)


def test_secrets_can_come_from_files(monkeypatch, tmp_path):
    secret = tmp_path / "flag"
    secret.write_text("yes\n")
    monkeypatch.setenv("X_FLAG_FILE", str(secret))
    assert env_bool("X_FLAG", False) is True

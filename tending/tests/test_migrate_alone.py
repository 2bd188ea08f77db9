"""`manage.py migrate` alone gives a working database, whose sign-in throttle every process shares.

allauth keeps its sign-in throttle in the cache, and Tending's cache is the database's
(`tending_cache`) so that every gunicorn worker and app server counts the same failures.
A database made without the separate `createcachetable` step used to answer every
sign-in with a 500; the table now comes with the migrations (core 0002).
"""

import pytest
from django.db import connection

from tending.testing.fresh_db import fresh_database, make_client
from tending.testing.servers import Browser, free_port, start_gunicorn, stop

EMAIL, PASSWORD = "migrated@example.test", "a-long-migrated-password"


@pytest.mark.django_db
def test_the_migrations_make_the_shared_cache_table():
    assert "tending_cache" in connection.introspection.table_names()


@pytest.mark.slow
@pytest.mark.parametrize("engine", ["sqlite", "postgresql"])
def test_a_database_made_by_migrate_alone_signs_in_and_both_servers_count_the_same_failures(engine, tmp_path):
    with fresh_database(engine, tmp_path) as env:  # migrate and nothing else
        make_client(env, EMAIL, PASSWORD)
        ports = [free_port(), free_port()]
        servers = [start_gunicorn(env, port, workers=1) for port in ports]
        try:
            # One site name for both, as the proxy in front of several servers sends (the throttle counts
            # failures per site and address).
            first, second = (f"http://127.0.0.1:{port}" for port in ports)
            Browser(first, host="127.0.0.1").sign_in(EMAIL, PASSWORD)

            # Five wrong passwords through one server (the per-account limit is 5 in 15 minutes)...
            for _ in range(5):
                status, page = Browser(first, host="127.0.0.1").send(
                    "/accounts/login/", {"login": EMAIL, "password": "not-it"}
                )
                assert status == 200
                assert "Too many failed login attempts" not in page
            # ...and the other server refuses even the right one: both read one count.
            status, page = Browser(second, host="127.0.0.1").send(
                "/accounts/login/", {"login": EMAIL, "password": PASSWORD}
            )
            assert status == 200, "the throttled sign-in should be refused with the form, not let in"
            assert "Too many failed login attempts" in page
        finally:
            for server in servers:
                stop(server)

"""The shared cache on Redis (REDIS_URL, docs/deploy.md), against the real server at 127.0.0.1:6379.

Each test uses its own key prefix in database 15 (REDIS_TEST_URL changes it), and deletes its keys after.
Skipped with the reason when no Redis answers, except under CI (TENDING_CI), where a skip would hide that
these never ran: there it fails. CI runs them in a step of their own.
"""

import os
import subprocess  # nosec B404 - our own settings module, fixed arguments
import sys
import threading
import uuid

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache, caches
from django.core.cache.backends.redis import RedisCache
from django.test import RequestFactory
from django.urls import reverse

from bookings.views_front_door import _rate_limited
from tending.testing.factories import PASSWORD, UserFactory

REDIS_TEST_URL = os.environ.get("REDIS_TEST_URL", "redis://127.0.0.1:6379/15")

pytestmark = pytest.mark.redis


@pytest.fixture
def redis_prefix():
    import redis

    client = redis.Redis.from_url(REDIS_TEST_URL, socket_connect_timeout=1)
    try:
        client.ping()
    except redis.RedisError as error:
        if os.environ.get("TENDING_CI"):
            pytest.fail(f"CI needs the Redis server at {REDIS_TEST_URL}: {error}")
        pytest.skip(f"no Redis at {REDIS_TEST_URL} ({error})")
    prefix = f"tending-test-{uuid.uuid4().hex}"
    yield prefix
    for key in client.scan_iter(f"{prefix}:*"):
        client.delete(key)
    client.close()


@pytest.fixture
def redis_cache(settings, redis_prefix):
    """The settings' cache switched to Redis, as REDIS_URL would (the test profile otherwise keeps LocMemCache)."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_TEST_URL,
            "KEY_PREFIX": redis_prefix,
        }
    }
    return redis_prefix


def _pool(redis_cache: RedisCache):
    """The connection pool behind a cache: one per cache object, so one per client of Redis."""
    return redis_cache._cache._get_connection_pool(write=True)


def test_settings_choose_redis_and_cached_db_sessions_from_redis_url():
    """Read in a fresh process: settings are read once, at start-up."""
    code = (
        "import django, json; from django.conf import settings; django.setup(); "
        "print(json.dumps([settings.CACHES['default'], settings.SESSION_ENGINE]))"
    )
    env = {**os.environ, "TENDING_ENV": "development", "REDIS_URL": "redis://127.0.0.1:6379/3"}
    env["DJANGO_SETTINGS_MODULE"] = "tending.settings"
    out = subprocess.run(  # noqa: S603
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True, cwd=django_settings.BASE_DIR
    ).stdout
    assert '"django.core.cache.backends.redis.RedisCache"' in out
    assert '"LOCATION": "redis://127.0.0.1:6379/3"' in out
    assert "accounts.sessions.cached_db" in out
    env.pop("REDIS_URL")
    out = subprocess.run(  # noqa: S603
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True, cwd=django_settings.BASE_DIR
    ).stdout
    assert "django.core.cache.backends.db.DatabaseCache" in out
    assert "accounts.sessions.db" in out


def test_two_clients_share_one_count(redis_prefix):
    """Two caches with their own connection pools, as two gunicorn workers or two app servers would have."""
    first = RedisCache(REDIS_TEST_URL, {"KEY_PREFIX": redis_prefix})
    second = RedisCache(REDIS_TEST_URL, {"KEY_PREFIX": redis_prefix})
    assert _pool(first) is not _pool(second)
    first.add("count", 0, timeout=60)
    for _ in range(3):
        first.incr("count")
        second.incr("count")
    assert first.get("count") == second.get("count") == 6


def test_the_booking_rate_limit_holds_across_connections(redis_cache, settings):
    """Requests served by different threads (each with its own cache client) count against one limit."""
    settings.TENDING_BOOKING_RATE_LIMIT = 10
    request = RequestFactory().post("/", REMOTE_ADDR="203.0.113.7")
    outcomes = []
    clients = set()

    def visitor():
        clients.add(id(_pool(caches["default"])))
        outcomes.extend(_rate_limited(request) for _ in range(4))

    threads = [threading.Thread(target=visitor) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(clients) == 3  # three cache clients, one per thread
    assert outcomes.count(False) == 10  # the limit held: ten allowed in all, not ten per client
    assert outcomes.count(True) == 2
    assert cache.get("bookings:rate:203.0.113.7") == 12


def test_allauth_login_throttle_holds_across_cache_clients(redis_cache, client, settings, db):
    """Failed sign-ins for one account (5 per 15 minutes) are counted in Redis: after five through one cache
    client, a sixth through another (a new client, as another worker would have) is refused, right password or not."""
    import redis

    user = UserFactory(email="someone@example.test")
    for _ in range(5):
        response = client.post(reverse("account_login"), {"login": user.email, "password": "not the password"})
        assert response.status_code == 200
    assert list(redis.Redis.from_url(REDIS_TEST_URL).scan_iter(f"{redis_cache}:*")), "allauth counted nothing"
    before = _pool(caches["default"])
    settings.CACHES = {"default": {**settings.CACHES["default"]}}  # a new cache object, with its own pool
    assert _pool(caches["default"]) is not before
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response.status_code == 200
    assert b"Too many failed login attempts" in response.content

"""The replica switch without a replica: settings from DATABASE_REPLICA_URL, and blocks that cost nothing when off.

The tests against a running replica are in test_replica.py (the ``replica`` marker).
"""

import json
import os
import subprocess  # nosec B404 - our own settings module, fixed arguments
import sys

import pytest
from django.conf import settings as django_settings

from accounts.models import User
from core.replica import reading_from_replica

SHOW = (
    "import django, json; from django.conf import settings; django.setup(); "
    "print(json.dumps({'replica': settings.DATABASES.get('replica'), 'routers': settings.DATABASE_ROUTERS}, default=str))"
)


def _settings_with(**env) -> subprocess.CompletedProcess:
    environment = {key: value for key, value in os.environ.items() if key != "DATABASE_REPLICA_URL"}
    environment.update(TENDING_ENV="development", DJANGO_SETTINGS_MODULE="tending.settings", **env)
    return subprocess.run(  # noqa: S603
        [sys.executable, "-c", SHOW], env=environment, capture_output=True, text=True, cwd=django_settings.BASE_DIR
    )


def test_a_replica_url_adds_the_replica_and_its_router():
    result = _settings_with(
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/primary",
        DATABASE_REPLICA_URL="postgres://reader@10.0.0.2:5433/primary",
    )
    assert result.returncode == 0, result.stderr
    shown = json.loads(result.stdout)
    assert shown["routers"] == ["core.replica.ReplicaRouter"]
    assert shown["replica"]["HOST"] == "10.0.0.2"
    assert shown["replica"]["PORT"] == "5433"
    assert shown["replica"]["OPTIONS"]["connect_timeout"] == "2"
    assert shown["replica"]["TEST"]["MIRROR"] == "default"


def test_without_a_replica_url_there_is_no_replica_and_no_router():
    result = _settings_with(DATABASE_URL="postgres://postgres@127.0.0.1:5432/primary")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {"replica": None, "routers": []}


def test_a_replica_needs_a_postgresql_primary():
    result = _settings_with(
        DATABASE_URL="sqlite:////tmp/tending-replica-settings.sqlite3",
        DATABASE_REPLICA_URL="postgres://reader@10.0.0.2:5433/primary",
    )
    assert result.returncode != 0
    assert "DATABASE_REPLICA_URL needs a PostgreSQL DATABASE_URL" in result.stderr


@pytest.mark.django_db
def test_without_a_replica_a_block_reads_the_primary_and_asks_nothing(django_assert_num_queries, settings):
    settings.DATABASE_ROUTERS = ["core.replica.ReplicaRouter"]
    with django_assert_num_queries(1), reading_from_replica() as alias:
        assert alias == "default"
        assert User.objects.all().db == "default"
        list(User.objects.all())

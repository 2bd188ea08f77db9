"""The proof that sealed data is sealed at rest: the SQLite file's bytes, or a pg_dump, hold none of it.

A canary is typed into a check-in note, an intake field and an emergency-access reason, and a
questionnaire is answered; then the whole database is read from outside Django.
"""

import datetime
import os
import re
import subprocess  # nosec B404 - pg_dump, with fixed arguments
from pathlib import Path

import pytest
from django.db import connection

from checkins.services import checkin_record
from measures.services import measure_response_record
from onboarding.services import intake_save
from practice.services import emergency_access_grant
from tending.testing.factories import ClientFactory, StaffFactory

CANARY = "canary-7f3a-heron-under-the-bridge"
BIRTH_DATE = datetime.date(1987, 11, 23)
ANSWERS = [3, 2, 1, 0, 3, 2, 1, 0, 0]


def _database_bytes() -> bytes:
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        name = Path(connection.settings_dict["NAME"])
        # The file itself (free pages too) and whatever the write-ahead log still holds.
        return b"".join(path.read_bytes() for path in (name, Path(f"{name}-wal")) if path.exists())
    if connection.vendor == "postgresql":
        settings = connection.settings_dict
        env = {**os.environ, "PGPASSWORD": settings.get("PASSWORD") or ""}
        command = ["/usr/bin/pg_dump", "--data-only", "--no-owner", "--dbname", settings["NAME"]]
        for flag, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
            if settings.get(key):
                command += [flag, str(settings[key])]
        return subprocess.run(command, env=env, check=True, capture_output=True).stdout  # noqa: S603  # nosec B603
    pytest.fail(f"no way to read a {connection.vendor} database from outside: add one here")


@pytest.mark.django_db(transaction=True)
def test_the_database_at_rest_holds_no_canary_and_no_readable_answers():
    client = ClientFactory()
    owner = StaffFactory(practice=client.practice, is_owner=True)
    checkin_record(
        client=client, data={"mood": 4, "feelings": ["hopeful", "lonely"], "body_areas": ["jaw"], "note": CANARY}
    )
    intake_save(
        client=client,
        data={"pronouns": "xe/xem-canary", "date_of_birth": BIRTH_DATE, "hopes": f"Hopes: {CANARY}"},
    )
    emergency_access_grant(owner=owner, client=client, reason=f"Reason: {CANARY}")
    measure_response_record(client=client, instrument="phq9", answers=ANSWERS, difficulty="extremely")

    data = _database_bytes()

    assert client.user.email.encode() in data  # the right database, read whole: plain columns are there
    for secret in (CANARY, "xe/xem-canary", BIRTH_DATE.isoformat(), '"hopeful"', '"lonely"', "extremely"):
        assert secret.encode() not in data, secret
    # The answers in any readable spelling: a JSON list with or without spaces, or PostgreSQL's own.
    spaced = re.escape(", ".join(map(str, ANSWERS)))
    packed = re.escape(",".join(map(str, ANSWERS)))
    assert not re.search(f"({spaced}|{packed})".encode(), data)

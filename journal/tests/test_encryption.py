"""The database never holds a journal entry's words: raw SQL and the SQLite file itself are checked."""

import base64
import tempfile
from pathlib import Path

import pytest
from django.db import connection

from journal.models import Entry
from journal.services import entry_autosave, entry_save
from tending.testing.factories import ClientFactory

SECRET = "The words only I should ever read: blue heron at dawn"


@pytest.mark.django_db(transaction=True)
def test_the_raw_database_never_contains_an_entrys_text():
    client = ClientFactory()
    saved, _ = entry_save(client=client, body=SECRET, prompt="free")
    entry_autosave(client=client, body=SECRET + " (draft)", prompt="letter")

    with connection.cursor() as cursor:
        cursor.execute("SELECT body FROM journal_entry")
        raw = [row[0] for row in cursor.fetchall()]
    assert len(raw) == 2
    for value in raw:
        assert value.startswith("v2:")
        assert "heron" not in value
    assert Entry.objects.get(pk=saved.pk).body == SECRET

    if connection.vendor == "sqlite":
        # The whole database as bytes on disk, including free pages.
        with tempfile.TemporaryDirectory() as folder:
            copy = Path(folder) / "copy.sqlite3"
            with connection.cursor() as cursor:
                cursor.execute("VACUUM INTO %s", [str(copy)])
            data = copy.read_bytes()
        assert b"journal_entry" in data  # we are reading the right database
        assert b"heron" not in data
        assert "heron".encode("utf-16-le") not in data
    else:
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM journal_entry WHERE body::text LIKE %s", ["%heron%"])
            assert cursor.fetchone()[0] == 0


@pytest.mark.django_db
def test_entries_written_under_an_old_key_still_open_after_rotation(settings):
    client = ClientFactory()
    old = settings.TENDING_FIELD_KEYS
    entry, _ = entry_save(client=client, body=SECRET, prompt="free")
    settings.TENDING_FIELD_KEYS = "new1:" + base64.b64encode(b"n" * 32).decode() + "," + old
    assert Entry.objects.get(pk=entry.pk).body == SECRET
    entry_autosave(client=client, entry=Entry.objects.get(pk=entry.pk), body=SECRET, prompt="free")
    with connection.cursor() as cursor:
        cursor.execute("SELECT body FROM journal_entry WHERE id = %s", [entry.pk])
        assert cursor.fetchone()[0].startswith("v2:new1:")

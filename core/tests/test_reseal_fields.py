"""``manage.py reseal_fields``: old values become v2 under the current key, and never over a newer edit."""

import base64
import threading
from io import StringIO
from unittest import mock

import pytest
from django.core.management import call_command
from django.db import close_old_connections, connection

from core import crypto
from core.management.commands import reseal_fields
from journal.models import Entry
from journal.services import entry_save
from tending.testing.factories import ClientFactory

NEW_KEY = "new1:" + base64.b64encode(b"n" * 32).decode()


def _raw_body(pk):
    with connection.cursor() as cursor:
        cursor.execute("SELECT body FROM journal_entry WHERE id = %s", [pk])
        return cursor.fetchone()[0]


def _set_raw_body(pk, value):
    with connection.cursor() as cursor:
        cursor.execute("UPDATE journal_entry SET body = %s WHERE id = %s", [value, pk])


@pytest.mark.django_db
def test_it_reseals_v1_values_and_old_keys_as_v2_under_the_current_key(settings):
    client = ClientFactory()
    old_format, _ = entry_save(client=client, body="written long ago", prompt="free")
    old_key, _ = entry_save(client=client, body="written last year", prompt="free")
    _set_raw_body(old_format.pk, crypto.encrypt_v1("written long ago", context="journal.entry.body"))
    settings.TENDING_FIELD_KEYS = f"{NEW_KEY},{settings.TENDING_FIELD_KEYS}"

    out = StringIO()
    call_command("reseal_fields", stdout=out)

    for entry in (old_format, old_key):
        assert _raw_body(entry.pk).startswith("v2:new1:")
    assert Entry.objects.get(pk=old_format.pk).body == "written long ago"
    assert Entry.objects.get(pk=old_key.pk).body == "written last year"
    assert "journal.entry.body: 2 resealed" in out.getvalue()
    # Nothing left to do the second time.
    again = StringIO()
    call_command("rotate_field_keys", stdout=again)
    assert "journal.entry.body" not in again.getvalue()


@pytest.mark.django_db(transaction=True)
def test_an_edit_saved_between_its_read_and_its_write_is_never_overwritten():
    entry, _ = entry_save(client=ClientFactory(), body="the first words", prompt="free")
    _set_raw_body(entry.pk, crypto.encrypt_v1("the first words", context="journal.entry.body"))

    def edit_from_another_connection():
        # The client saves a new version in another request while the command holds the old one.
        try:
            mine = Entry.objects.get(pk=entry.pk)
            mine.body = "what I wrote just now"
            mine.save(update_fields=["body"])
        finally:
            close_old_connections()
            connection.close()

    real_open = reseal_fields._open

    def open_then_let_the_client_save(stored, field, row):
        plain = real_open(stored, field, row)
        if field.context == "journal.entry.body":
            other = threading.Thread(target=edit_from_another_connection)
            other.start()
            other.join()
        return plain

    out = StringIO()
    with mock.patch.object(reseal_fields, "_open", open_then_let_the_client_save):
        call_command("reseal_fields", stdout=out)

    assert Entry.objects.get(pk=entry.pk).body == "what I wrote just now"
    assert _raw_body(entry.pk).startswith("v2:")
    assert "journal.entry.body: 0 resealed, 1 changed meanwhile" in out.getvalue()


@pytest.mark.django_db
def test_a_value_no_key_opens_is_reported_and_left_alone():
    entry, _ = entry_save(client=ClientFactory(), body="words", prompt="free")
    stranger = "v1:gone:" + base64.b64encode(b"x" * 40).decode()
    _set_raw_body(entry.pk, stranger)

    err = StringIO()
    call_command("reseal_fields", stdout=StringIO(), stderr=err)

    assert _raw_body(entry.pk) == stranger
    assert "1 values did not open" in err.getvalue()

import base64
import uuid

import pytest
from django.core.exceptions import ImproperlyConfigured
from hypothesis import given
from hypothesis import strategies as st

from core import crypto

KEY_A = "a:" + base64.b64encode(b"A" * 32).decode()
KEY_B = "b:" + base64.b64encode(b"B" * 32).decode()
ROW = uuid.uuid4()


@pytest.fixture
def ring(settings):
    settings.TENDING_FIELD_KEYS = KEY_A
    return settings


@given(st.text())
def test_it_round_trips_any_text(text):
    stored = crypto.encrypt(text, context="journal.entry.body", row=ROW)
    assert crypto.decrypt(stored, context="journal.entry.body", row=ROW) == text
    # A fresh nonce each time: the same text never seals to the same value.
    assert crypto.encrypt(text, context="journal.entry.body", row=ROW) != stored


def test_it_never_returns_ciphertext_when_the_key_is_wrong(ring):
    stored = crypto.encrypt("I hate myself today", context="journal.entry.body", row=ROW)
    ring.TENDING_FIELD_KEYS = "a:" + base64.b64encode(b"Z" * 32).decode()
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(stored, context="journal.entry.body", row=ROW)


def test_a_value_moved_to_another_field_does_not_open(ring):
    stored = crypto.encrypt("private", context="journal.entry.body", row=ROW)
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(stored, context="notes.note.body", row=ROW)


def test_old_keys_still_open_after_rotation_and_new_values_use_the_new_key(ring):
    old = crypto.encrypt("before", context="c", row=ROW)
    ring.TENDING_FIELD_KEYS = f"{KEY_B},{KEY_A}"
    assert crypto.decrypt(old, context="c", row=ROW) == "before"
    assert crypto.key_id_of(crypto.encrypt("after", context="c", row=ROW)) == "b"


def test_a_tampered_value_does_not_open(ring):
    stored = crypto.encrypt("hello", context="c", row=ROW)
    prefix, key_id, body = stored.split(":")
    raw = bytearray(base64.b64decode(body))
    raw[-1] ^= 1
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(f"{prefix}:{key_id}:{base64.b64encode(bytes(raw)).decode()}", context="c", row=ROW)


@pytest.mark.parametrize("spec", ["", "nokey", "a:notbase64!", "a:" + base64.b64encode(b"short").decode()])
def test_a_bad_key_ring_fails_loudly(settings, spec):
    settings.TENDING_FIELD_KEYS = spec
    with pytest.raises(ImproperlyConfigured):
        crypto.encrypt("x", context="c", row=ROW)


def test_blind_index_matches_exactly_and_ignores_case(ring):
    assert crypto.blind_index("Sam@Example.test ", purpose="email") == crypto.blind_index(
        "sam@example.test", purpose="email"
    )
    assert crypto.blind_index("sam@example.test", purpose="email") != crypto.blind_index(
        "sam@example.test", purpose="other"
    )


def test_a_value_moved_to_another_row_of_the_same_field_does_not_open(ring):
    stored = crypto.encrypt("private", context="journal.entry.body", row=ROW)
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(stored, context="journal.entry.body", row=uuid.uuid4())
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(stored, context="journal.entry.body")


def test_the_row_opens_whichever_way_the_engine_spells_its_uuid(ring):
    stored = crypto.encrypt("private", context="c", row=ROW.hex)  # SQLite hands back hex
    assert crypto.decrypt(stored, context="c", row=ROW) == "private"  # PostgreSQL, a UUID
    assert crypto.decrypt(stored, context="c", row=str(ROW)) == "private"


def test_new_values_are_v2_and_v1_values_still_open_without_a_row(ring):
    assert crypto.encrypt("now", context="c", row=ROW).startswith("v2:a:")
    old = crypto.encrypt_v1("before", context="c")
    assert old.startswith("v1:a:")
    assert crypto.decrypt(old, context="c", row=ROW) == "before"
    assert not crypto.is_current(old)
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(old, context="other")

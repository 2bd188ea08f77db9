"""Authenticated encryption for the most sensitive text (journal, session notes, safety plan).

Values are sealed with AES-256-GCM under a key ring kept apart from SECRET_KEY
(``TENDING_FIELD_KEYS="id:base64key,id2:base64key"``; the first key seals, any
key opens). Stored form: ``v1:<key id>:<base64(nonce + ciphertext + tag)>``.
The model and field name are bound in as associated data, so a ciphertext
copied into another field does not open. A value that does not open raises
``DecryptionError``: we never hand ciphertext back as if it were the text.
Rotate by adding a new key first and running ``manage.py rotate_field_keys``.
"""

import base64
import binascii
import hashlib
import hmac
import os
from functools import cache

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models

PREFIX = "v1"


class DecryptionError(Exception):
    pass


@cache
def _key_ring(spec: str) -> tuple[str, dict[str, bytes]]:
    keys: dict[str, bytes] = {}
    first = None
    for item in [part.strip() for part in spec.split(",") if part.strip()]:
        key_id, sep, encoded = item.partition(":")
        if not sep or not key_id or ":" in key_id:
            raise ImproperlyConfigured("TENDING_FIELD_KEYS entries look like 'id:base64-of-32-bytes'")
        try:
            key = base64.b64decode(encoded, validate=True)
        except binascii.Error:
            raise ImproperlyConfigured(f"TENDING_FIELD_KEYS key {key_id!r} is not valid base64") from None
        if len(key) != 32:
            raise ImproperlyConfigured(f"TENDING_FIELD_KEYS key {key_id!r} must be 32 bytes, not {len(key)}")
        keys[key_id] = key
        first = first or key_id
    if first is None:
        raise ImproperlyConfigured("TENDING_FIELD_KEYS holds no key")
    return first, keys


def key_ring() -> tuple[str, dict[str, bytes]]:
    return _key_ring(settings.TENDING_FIELD_KEYS)


def encrypt(plaintext: str, *, context: str) -> str:
    current, keys = key_ring()
    nonce = os.urandom(12)
    sealed = AESGCM(keys[current]).encrypt(nonce, plaintext.encode(), context.encode())
    return f"{PREFIX}:{current}:{base64.b64encode(nonce + sealed).decode()}"


def key_id_of(stored: str) -> str:
    return stored.split(":", 2)[1]


def decrypt(stored: str, *, context: str) -> str:
    try:
        prefix, key_id, encoded = stored.split(":", 2)
        raw = base64.b64decode(encoded, validate=True)
    except (ValueError, binascii.Error):
        raise DecryptionError("not an encrypted value") from None
    if prefix != PREFIX:
        raise DecryptionError(f"unknown format {prefix!r}")
    key = key_ring()[1].get(key_id)
    if key is None:
        raise DecryptionError(f"no key {key_id!r} in TENDING_FIELD_KEYS")
    try:
        return AESGCM(key).decrypt(raw[:12], raw[12:], context.encode()).decode()
    except Exception as error:  # InvalidTag, or a truncated value
        raise DecryptionError("the value did not open with its key") from error


def blind_index(value: str, *, purpose: str) -> str:
    """An HMAC of a normalised value, for exact-match lookups of encrypted data."""
    current, keys = key_ring()
    derived = hmac.new(keys[current], f"blind-index:{purpose}".encode(), hashlib.sha256).digest()
    return hmac.new(derived, value.strip().lower().encode(), hashlib.sha256).hexdigest()


class EncryptedTextField(models.TextField):
    """A TextField stored sealed. Only ``isnull`` lookups work: the database cannot read it."""

    def contribute_to_class(self, cls, name, *args, **kwargs):
        super().contribute_to_class(cls, name, *args, **kwargs)
        self._context = f"{cls._meta.label_lower}.{name}"

    def from_db_value(self, value, expression, connection):
        if value is None:
            return None
        return decrypt(value, context=self._context)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None:
            return None
        return encrypt(str(value), context=self._context)

    def get_lookup(self, lookup_name):
        if lookup_name != "isnull":
            raise NotImplementedError(f"{self._context} is encrypted: only isnull lookups are possible")
        return super().get_lookup(lookup_name)


def encrypted_fields():
    """Every (model, field) pair that holds encrypted text."""
    from django.apps import apps

    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if isinstance(field, EncryptedTextField):
                yield model, field

"""Authenticated encryption for the most sensitive data (journal, session notes, safety plan, check-ins…).

Values are sealed with AES-256-GCM under a key ring kept apart from SECRET_KEY
(``TENDING_FIELD_KEYS="id:base64key,id2:base64key"``; the first key seals, any
key opens). Stored form: ``v2:<key id>:<base64(nonce + ciphertext + tag)>``.

Each field names its *context* explicitly (``EncryptedTextField(context="journal.entry.body")``),
and a v2 value binds that context and the row's ``uuid`` in as associated data: a ciphertext
copied into another field, or into the same field of another row, does not open. The context
is a written-down string, not the model's label, so renaming a model or an app never makes
stored text unreadable. ``v1:`` values (context only, no row) still open; every save writes v2,
and ``manage.py reseal_fields`` upgrades the rest in place.

A value that does not open raises ``DecryptionError``: we never hand ciphertext back as if it
were the text. Rotate by adding a new key first and running ``manage.py reseal_fields``.
"""

import base64
import binascii
import datetime
import hashlib
import hmac
import json
import os
import uuid
from functools import cache

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django import forms
from django.apps import apps
from django.conf import settings
from django.core import checks
from django.core.exceptions import FieldDoesNotExist, ImproperlyConfigured
from django.db import models
from django.db.models.query_utils import DeferredAttribute

PREFIX = "v2"  # what every new value is sealed as
PREFIXES = ("v1", "v2")  # what still opens
ROW_SEPARATOR = "|"  # between a stored value and its row's uuid when read (never in base64 or a uuid)
_TEXT = "text"  # both SQLite and PostgreSQL cast to text with this name


class DecryptionError(Exception):
    pass


def parse_key_ring(spec: str, *, name: str, max_id_length: int = 64) -> tuple[str, dict[str, bytes]]:
    """A key ring ``"id:base64-of-32-bytes,id2:..."``: the first key's id, and every key by id.

    Shared by the field keys (``TENDING_FIELD_KEYS``) and the audit keys (``TENDING_AUDIT_KEYS``);
    ``name`` is the setting named in the message when the value is wrong.
    """
    keys: dict[str, bytes] = {}
    first = None
    for item in [part.strip() for part in spec.split(",") if part.strip()]:
        key_id, sep, encoded = item.partition(":")
        if not sep or not key_id or ":" in key_id or len(key_id) > max_id_length:
            raise ImproperlyConfigured(
                f"{name} entries look like 'id:base64-of-32-bytes' (an id of at most {max_id_length} characters)"
            )
        try:
            key = base64.b64decode(encoded, validate=True)
        except binascii.Error:
            raise ImproperlyConfigured(f"{name} key {key_id!r} is not valid base64") from None
        if len(key) != 32:
            raise ImproperlyConfigured(f"{name} key {key_id!r} must be 32 bytes, not {len(key)}")
        keys[key_id] = key
        first = first or key_id
    if first is None:
        raise ImproperlyConfigured(f"{name} holds no key")
    return first, keys


@cache
def _key_ring(spec: str) -> tuple[str, dict[str, bytes]]:
    return parse_key_ring(spec, name="TENDING_FIELD_KEYS")


def key_ring() -> tuple[str, dict[str, bytes]]:
    return _key_ring(settings.TENDING_FIELD_KEYS)


def _row_id(row) -> str:
    """The row's uuid in one spelling whatever the engine handed back (SQLite: hex, PostgreSQL: UUID)."""
    if row is None or row == "":
        raise ValueError("a sealed value is bound to its row: the row needs a uuid")
    return str(row if isinstance(row, uuid.UUID) else uuid.UUID(str(row)))


def _associated_data(prefix: str, context: str, row) -> bytes:
    if prefix == "v1":
        return context.encode()
    # The NUL keeps "a.b" + row from ever meaning the same bytes as another context + row.
    return f"{context}\x00{_row_id(row)}".encode()


def encrypt(plaintext: str, *, context: str, row) -> str:
    """Seal ``plaintext`` for field ``context`` of the row whose uuid is ``row`` (always v2)."""
    current, keys = key_ring()
    nonce = os.urandom(12)
    sealed = AESGCM(keys[current]).encrypt(nonce, plaintext.encode(), _associated_data(PREFIX, context, row))
    return f"{PREFIX}:{current}:{base64.b64encode(nonce + sealed).decode()}"


def encrypt_v1(plaintext: str, *, context: str) -> str:
    """The old, row-less format. Only for tests that prove v1 values still open and get upgraded."""
    current, keys = key_ring()
    nonce = os.urandom(12)
    sealed = AESGCM(keys[current]).encrypt(nonce, plaintext.encode(), _associated_data("v1", context, None))
    return f"v1:{current}:{base64.b64encode(nonce + sealed).decode()}"


def is_sealed(stored) -> bool:
    return isinstance(stored, str) and stored.split(":", 1)[0] in PREFIXES and stored.count(":") >= 2


def key_id_of(stored: str) -> str:
    return stored.split(":", 2)[1]


def format_of(stored: str) -> str:
    return stored.split(":", 1)[0]


def is_current(stored: str) -> bool:
    """Sealed as v2 under the key that seals today: nothing for ``reseal_fields`` to do."""
    return format_of(stored) == PREFIX and key_id_of(stored) == key_ring()[0]


def decrypt(stored: str, *, context: str, row=None) -> str:
    """Open a v1 value (``row`` unused) or a v2 value (``row`` must be the uuid it was sealed for)."""
    try:
        prefix, key_id, encoded = stored.split(":", 2)
        raw = base64.b64decode(encoded, validate=True)
    except (ValueError, binascii.Error, AttributeError):
        raise DecryptionError("not an encrypted value") from None
    if prefix not in PREFIXES:
        raise DecryptionError(f"unknown format {prefix!r}")
    key = key_ring()[1].get(key_id)
    if key is None:
        raise DecryptionError(f"no key {key_id!r} in TENDING_FIELD_KEYS")
    try:
        associated = _associated_data(prefix, context, row)
    except ValueError as error:
        raise DecryptionError(str(error)) from None
    try:
        return AESGCM(key).decrypt(raw[:12], raw[12:], associated).decode()
    except Exception as error:  # InvalidTag, or a truncated value
        raise DecryptionError("the value did not open with its key") from error


def blind_index(value: str, *, purpose: str) -> str:
    """An HMAC of a normalised value, for exact-match lookups of encrypted data."""
    current, keys = key_ring()
    derived = hmac.new(keys[current], f"blind-index:{purpose}".encode(), hashlib.sha256).digest()
    return hmac.new(derived, value.strip().lower().encode(), hashlib.sha256).hexdigest()


class Sealed(str):
    """Ciphertext already bound to its row: the field writes it as it is.

    ``QuerySet.update()`` and ``bulk_update()`` cannot see the row, so they take
    ``sealed(instance, "field", value)`` instead of the plain value.
    """


class _Stored:
    """What came out of the database, not yet opened: the descriptor opens it with the row's uuid."""

    def __init__(self, stored: str):
        self.stored = stored

    def __repr__(self):
        return "<sealed value>"

    def __eq__(self, other):
        return isinstance(other, _Stored) and other.stored == self.stored

    __hash__ = None


class SealedAttribute(DeferredAttribute):
    """Opens a field's value on first read, when the instance (and so its ``uuid``) is known.

    A data descriptor (it has ``__set__``), so every read passes through here, even when Django
    has put the raw value in the instance's ``__dict__``. Deferred loading still works.
    """

    def __get__(self, instance, cls=None):
        if instance is None:
            return self
        value = super().__get__(instance, cls)
        if isinstance(value, _Stored):
            value = self.field.open(value.stored, instance)
            instance.__dict__[self.field.attname] = value
        return value

    def __set__(self, instance, value):
        instance.__dict__[self.field.attname] = value


class SealedFieldMixin:
    """A text column holding a value sealed for one field of one row. Only ``isnull`` lookups work."""

    descriptor_class = SealedAttribute

    def __init__(self, *args, context: str | None = None, **kwargs):
        # Deliberately not in deconstruct(): changing it must not churn migrations, and
        # core/tests/test_sealed_fields.py pins every field's context so nobody edits one by accident.
        self.context = context
        super().__init__(*args, **kwargs)

    def contribute_to_class(self, cls, name, *args, **kwargs):
        super().contribute_to_class(cls, name, *args, **kwargs)
        if self.context is None and cls.__module__ == "__fake__":
            # A migration's historical model: contexts are not recorded there, and every field
            # written before contexts were explicit used this label. New data migrations use raw SQL.
            self.context = f"{cls._meta.label_lower}.{name}"

    def check(self, **kwargs):
        errors = super().check(**kwargs)
        if not self.context:
            errors.append(
                checks.Error(
                    f"{type(self).__name__} needs an explicit context, e.g. context='{self.model._meta.label_lower}.{self.name}'.",
                    hint="Write down the context the stored values were sealed with; never derive it from a label.",
                    obj=self,
                    id="core.E101",
                )
            )
        if "uuid" not in {f.name for f in self.model._meta.concrete_fields}:
            errors.append(
                checks.Error(
                    f"{self.model._meta.label} has a sealed field but no uuid field to bind it to its row.",
                    hint="Inherit core.mixins.UUIDModel, which gives the model its uuid field.",
                    obj=self,
                    id="core.E102",
                )
            )
        return errors

    # -- what a value is as text, per field type
    def to_plain(self, value) -> str:
        return str(value)

    def from_plain(self, text: str):
        return text

    # -- sealing and opening, bound to the instance's uuid
    def _context(self) -> str:
        if not self.context:
            raise ImproperlyConfigured(f"{self.model._meta.label}.{self.name} has no encryption context")
        return self.context

    def open(self, stored: str, instance):
        return self.from_plain(decrypt(stored, context=self._context(), row=getattr(instance, "uuid", None)))

    def seal(self, instance, value) -> Sealed | None:
        if value is None:
            return None
        if self.model.__module__ == "__fake__" and not any(f.name == "uuid" for f in self.model._meta.fields):
            # A migration's model from before its table had uuids: what was written then, v1.
            return Sealed(encrypt_v1(self.to_plain(value), context=self._context()))
        row = getattr(instance, "uuid", None)
        if row is None:
            raise ValueError(f"{self.model._meta.label} needs a uuid before {self.name} can be sealed")
        return Sealed(encrypt(self.to_plain(value), context=self._context(), row=row))

    def select_format(self, compiler, sql, params):
        """Read the row's uuid along with the column, so every read can open its value at once.

        ``value || '|' || uuid`` instead of the bare column: model loads, ``only()``, ``values()`` and
        ``values_list()`` all get the row to open with, at no extra query. Anything that is not this
        plain column (an expression typed as this field) is left as it is and opens through the
        descriptor instead, or stays an opaque ``<sealed value>``.
        """
        quote = compiler.connection.ops.quote_name
        column = quote(self.column)
        try:
            row_column = quote(self.model._meta.get_field("uuid").column)
        except FieldDoesNotExist:  # a migration's model from before uuids: v1 values, opened without one
            return sql, params
        if params or not (sql == column or sql.endswith("." + column)):
            return sql, params
        row_sql = sql[: -len(column)] + row_column
        return f"({sql} || %s || COALESCE(CAST({row_sql} AS {_TEXT}), ''))", (ROW_SEPARATOR,)

    def from_db_value(self, value, expression, connection):
        if value is None:
            return None
        stored, separator, row = value.rpartition(ROW_SEPARATOR)
        if separator:
            if stored == "":
                return self.from_plain("") if type(self) is EncryptedTextField else None
            return self.from_plain(decrypt(stored, context=self._context(), row=row or None))
        if value == "":
            # Only the schema editor writes a bare "" (a new column's default for existing rows):
            # an empty value, the same as one sealed, whose length says as much.
            return self.from_plain("") if type(self) is EncryptedTextField else None
        return _Stored(value)

    def pre_save(self, model_instance, add):
        value = getattr(model_instance, self.attname)
        if isinstance(value, Sealed):  # set by hand for bulk_update(): already bound to this row
            return value
        return self.seal(model_instance, value)

    def get_prep_value(self, value):
        if value is None or isinstance(value, Sealed):
            return None if value is None else str(value)
        if value == "":
            return ""  # the schema editor's default for a new column; saves always seal
        raise TypeError(
            f"{self.model._meta.label}.{self.name} is sealed to its row: save the instance, or pass "
            "core.crypto.sealed(instance, field_name, value) to update()/bulk_update()"
        )

    def get_lookup(self, lookup_name):
        if lookup_name != "isnull":
            raise NotImplementedError(f"{self.context} is encrypted: only isnull lookups are possible")
        return super().get_lookup(lookup_name)

    def value_to_string(self, obj):
        value = self.value_from_object(obj)
        return None if value is None else self.to_plain(value)


class EncryptedTextField(SealedFieldMixin, models.TextField):
    """A TextField stored sealed."""


class EncryptedJSONField(SealedFieldMixin, models.Field):
    """A JSON value (lists of answers, feelings) stored sealed in a text column.

    Not a TextField: code that treats every TextField as free text must not write text into it.
    """

    def get_internal_type(self):
        return "TextField"

    def to_plain(self, value) -> str:
        return json.dumps(value, separators=(",", ":"))

    def from_plain(self, text: str):
        return json.loads(text)

    def to_python(self, value):
        return value

    def formfield(self, **kwargs):
        return forms.JSONField(**kwargs)


class EncryptedDateField(SealedFieldMixin, models.Field):
    """A date stored sealed in a text column (ISO 8601 inside)."""

    def get_internal_type(self):
        return "TextField"

    def to_plain(self, value) -> str:
        return self.to_python(value).isoformat()

    def from_plain(self, text: str):
        return datetime.date.fromisoformat(text)

    def to_python(self, value):
        return models.DateField().to_python(value)

    def formfield(self, **kwargs):
        return forms.DateField(**{"required": not self.blank, "label": self.verbose_name, **kwargs})


class EncryptedBytesField(SealedFieldMixin, models.Field):
    """Bytes (a message's attachment) stored sealed in a text column: base64 inside the seal.

    Large: read it only where the bytes are served (``defer()`` it everywhere else).
    """

    def get_internal_type(self):
        return "TextField"

    def to_plain(self, value) -> str:
        return base64.b64encode(bytes(value)).decode("ascii")

    def from_plain(self, text: str):
        return base64.b64decode(text)

    def to_python(self, value):
        return value


def sealed(instance, field_name: str, value) -> Sealed | None:
    """``value`` sealed for ``instance``'s field, for ``QuerySet.update()`` and ``bulk_update()``."""
    return instance._meta.get_field(field_name).seal(instance, value)


def encrypted_fields():
    """Every (model, field) pair that holds sealed data."""
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if isinstance(field, SealedFieldMixin):
                yield model, field


# -- for data migrations, which see the database through raw SQL (historical models know no contexts)


def _rewrite_rows(schema_editor, *, table: str, column: str, change) -> int:
    """Rewrite a column in place, row by row: ``change(value, row uuid)`` gives the new value, or None to leave it."""
    connection = schema_editor.connection
    quote = connection.ops.quote_name
    done = 0
    with connection.cursor() as cursor:
        cursor.execute(  # nosemgrep: tending-no-formatted-sql
            # Names come from the calling migration, quoted; no user input reaches this SQL.
            f"SELECT id, uuid, {quote(column)} FROM {quote(table)} WHERE {quote(column)} IS NOT NULL"  # noqa: S608  # nosec B608
        )
        for pk, row, value in cursor.fetchall():
            new = change(value, row)
            if new is None:
                continue
            cursor.execute(f"UPDATE {quote(table)} SET {quote(column)} = %s WHERE id = %s", [new, pk])  # noqa: S608  # nosec B608  # nosemgrep: tending-no-formatted-sql
            done += 1
    return done


def seal_rows(schema_editor, *, table: str, column: str, context: str, to_text=str) -> int:
    """Seal a column's plain values in place, each bound to its row's ``uuid``. Sealed values are left."""

    def seal(value, row):
        return None if is_sealed(value) else encrypt(to_text(value), context=context, row=row)

    return _rewrite_rows(schema_editor, table=table, column=column, change=seal)


def open_rows(schema_editor, *, table: str, column: str, context: str) -> int:
    """The reverse of ``seal_rows``: write each sealed value back as its plain text."""

    def unseal(value, row):
        return decrypt(value, context=context, row=row) if is_sealed(value) else None

    return _rewrite_rows(schema_editor, table=table, column=column, change=unseal)
